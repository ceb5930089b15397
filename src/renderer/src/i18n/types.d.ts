/** i18next's keys are typed from the English resources: a misspelt key does not compile. */
import 'i18next';
import type { Resources } from './en.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Resources };
  }
}
