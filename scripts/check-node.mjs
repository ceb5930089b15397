// Runs before `npm start` and `npm test` on whatever Node npm found first on
// the PATH (node_modules/.bin, once `npm ci` has installed the `node`
// package). Plain JavaScript on purpose: it must run on an old Node to say so.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  process.stderr.write(
    `Catena runs on Node 24 (the Node inside Electron 45), but this is Node ${process.versions.node}: ` +
      'run `npm ci` in the project folder, which installs Node 24 through the `node` package ' +
      '(its install script is approved in package.json "allowScripts"), then run the command again.\n',
  );
  process.exit(1);
}
