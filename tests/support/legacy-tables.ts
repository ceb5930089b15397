/**
 * rsn_nodes and raw_rsn_data as a legacy control-unit program made them:
 * without a primary key, so a node or a reading can be there twice. Created
 * before `migrate`, which only adds the missing columns.
 */
export function legacyNoKeyDdl(dialect: 'mysql' | 'sqlite'): string[] {
  const [text, time, real, int] =
    dialect === 'mysql' ? ['VARCHAR(32)', 'DATETIME', 'DOUBLE', 'INT'] : ['TEXT', 'TEXT', 'REAL', 'INTEGER'];
  return [
    `CREATE TABLE rsn_nodes (controlUnitCode ${text} NOT NULL, chain ${text} NOT NULL, nodeIndex ${int} NOT NULL,
      depthM ${real}, offsetX ${real}, gainX ${real}, offsetY ${real}, gainY ${real}, tempOffset ${real}, tempGain ${real})`,
    `CREATE TABLE raw_rsn_data (controlUnitCode ${text} NOT NULL, chain ${text} NOT NULL, timestamp ${time} NOT NULL,
      nodeIndex ${int} NOT NULL, rawX ${real}, rawY ${real}, rawZ ${real}, rawT ${real}, errorCode ${int})`,
  ];
}
