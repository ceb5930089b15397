/**
 * What the chain report says, in the operator's language (`--lang`, the
 * console's language, CATENA_LANG). A typed dictionary like the notifier's
 * (notify/message.ts): both languages have every entry, or it does not compile.
 */
import type { Lang } from '../lang.ts';

export interface ReportWords {
  /** the decimal separator of numbers in tables and labels */
  decimal: string;
  title(label: string): string;
  banner: string;
  siteNotNamed: string;
  to: string;
  generated(at: string): string;
  summary: {
    nodes: string;
    enabledFixedEnd(end: string): string;
    rows: string;
    largest: string;
    nodeAt(node: number, depth: string, at: string): string;
    noValue: string;
    events: string;
    highest(level: number, open: number): string;
  };
  position(n: number): string;
  cumulativeProfiles: string;
  cumulativeNote: string;
  incrementalProfiles: string;
  incrementalNote: string;
  axisX: string;
  axisY: string;
  resultant: string;
  depthAxis: string;
  positionAxis: string;
  datesShown: string;
  asked(at: string): string;
  profileNote: string;
  timeSeries: string;
  timeSeriesNote: string;
  noNode: string;
  node(n: number): string;
  rows(n: string): string;
  levelValue(level: number, value: string): string;
  resultantLegend: string;
  thresholdLevel(level: number): string;
  offScale(n: number): string;
  metrics: Record<string, string>;
  /** why a date or a node is in the report (data.ts labels and reasons) */
  why: Record<string, string>;
  alarmEvents: string;
  newest(n: string): string;
  inPeriod(n: string): string;
  noEvents: string;
  columns: {
    timeUtc: string;
    metric: string;
    level: string;
    node: string;
    value: string;
    notified: string;
    acknowledged: string;
    note: string;
    depth: string;
    rows: string;
    length: string;
    enabled: string;
    axes: string;
    gain: string;
    offset: string;
    tempCoeff: string;
  };
  notAcknowledged: string;
  ackBy(at: string, by: string): string;
  quality: string;
  qualityNote: string;
  all: string;
  parameters: string;
  parametersNote: string;
  params: {
    site: string;
    unitChain: string;
    active: string;
    fixedEnd: string;
    bottomDefault: string;
    referenceTime: string;
    firstValid: string;
    referenceWindow: string;
    despikeWindow: string;
    despikeNSigma: string;
    despikeMinSigma: string;
    despikeLookback: string;
    holdLastValid: string;
    velocityWindow: string;
    alarmOnDelay: string;
    alarmOffDelay: string;
    staleAfter: string;
    timeZone: string;
    database: string;
    lastRun: string;
    fingerprint: string;
  };
  yes: string;
  no: string;
  byDefault: string;
  thresholds: string;
  noThresholds: string;
  everyNode: string;
  nodes: string;
  lengthDefault: string;
  footer(label: string, site: string): string;
  page(page: number, of: number): string;
}

const EN: ReportWords = {
  decimal: '.',
  title: (label) => `Chain report ${label}`,
  banner: 'CATENA  ·  CHAIN REPORT',
  siteNotNamed: 'site not named',
  to: 'to',
  generated: (at) => `generated ${at}`,
  summary: {
    nodes: 'nodes',
    enabledFixedEnd: (end) => `enabled, fixed end ${end}`,
    rows: 'rows in period',
    largest: 'largest displacement',
    nodeAt: (node, depth, at) => `node ${node} at ${depth}, ${at}`,
    noValue: 'no value',
    events: 'alarm events',
    highest: (level, open) => `highest level ${level}, ${open} not acknowledged`,
  },
  position: (n) => `position ${n}`,
  cumulativeProfiles: 'Cumulative displacement profiles',
  cumulativeNote: 'displacement of each node summed from the fixed end (mm), since the reference',
  incrementalProfiles: 'Incremental displacement profiles',
  incrementalNote: 'displacement of each segment alone (mm), since the reference',
  axisX: 'Axis X',
  axisY: 'Axis Y',
  resultant: 'Resultant',
  depthAxis: 'depth (m)',
  positionAxis: 'node position',
  datesShown: 'Dates shown',
  asked: (at) => `asked ${at}`,
  profileNote:
    'Each profile is the last elaborated row at or before its date. Depth increases downwards; a null value (a disabled or invalid node) breaks the line.',
  timeSeries: 'Time series',
  timeSeriesNote: 'cumulative displacement of chosen nodes (mm) with the cumulative_mm thresholds',
  noNode: 'No node was chosen.',
  node: (n) => `Node ${n}`,
  rows: (n) => `${n} rows`,
  levelValue: (level, value) => `level ${level}: ${value} mm`,
  resultantLegend: 'cumR (resultant)',
  thresholdLevel: (level) => `threshold level ${level}`,
  offScale: (n) => `${n} threshold(s) off scale`,
  metrics: {
    cumulative_mm: 'cumulative (mm)',
    velocity_mm_per_day: 'velocity (mm/day)',
    tilt_deg: 'tilt (°)',
  },
  why: {},
  alarmEvents: 'Alarm events',
  newest: (n) => `the newest ${n} of the period`,
  inPeriod: (n) => `${n} in the period, oldest first`,
  noEvents: 'No alarm event in the period.',
  columns: {
    timeUtc: 'time (UTC)',
    metric: 'metric',
    level: 'level',
    node: 'node',
    value: 'value',
    notified: 'notified',
    acknowledged: 'acknowledged',
    note: 'note',
    depth: 'depth (m)',
    rows: 'rows',
    length: 'length (mm)',
    enabled: 'enabled',
    axes: 'axes',
    gain: 'gain X / Y',
    offset: 'offset X / Y',
    tempCoeff: 'temp. coeff X / Y',
  },
  notAcknowledged: 'not acknowledged',
  ackBy: (at, by) => `${at} by ${by}`,
  quality: 'Data quality',
  qualityNote:
    'elaborated rows of the period per node, by flag (ELABORATION.md §3.13); a row may count under several',
  all: 'all',
  parameters: 'Parameters used',
  parametersNote: 'active_stations, rsn_thresholds and the last run, as stored when the report was made',
  params: {
    site: 'site',
    unitChain: 'control unit / chain',
    active: 'active',
    fixedEnd: 'fixed end',
    bottomDefault: 'bottom (default)',
    referenceTime: 'reference time',
    firstValid: 'first valid reading (default)',
    referenceWindow: 'reference window (h)',
    despikeWindow: 'despike window (samples)',
    despikeNSigma: 'despike n·sigma',
    despikeMinSigma: 'despike min sigma (°)',
    despikeLookback: 'despike look-back (h)',
    holdLastValid: 'hold last valid (h)',
    velocityWindow: 'velocity window (h)',
    alarmOnDelay: 'alarm on delay (h)',
    alarmOffDelay: 'alarm off delay (h)',
    staleAfter: 'stale after (h)',
    timeZone: 'site time zone',
    database: 'database',
    lastRun: 'last run',
    fingerprint: 'configuration fingerprint',
  },
  yes: 'yes',
  no: 'no',
  byDefault: 'default',
  thresholds: 'Thresholds',
  noThresholds: 'No threshold is configured: the chain raises no alarm.',
  everyNode: 'every node',
  nodes: 'Nodes',
  lengthDefault: '1000 (default)',
  footer: (label, site) => `Catena chain report  ·  ${label}  ·  ${site}`,
  page: (page, of) => `page ${page} of ${of}`,
};

const IT: ReportWords = {
  decimal: ',',
  title: (label) => `Rapporto della catena ${label}`,
  banner: 'CATENA  ·  RAPPORTO DELLA CATENA',
  siteNotNamed: 'sito senza nome',
  to: 'a',
  generated: (at) => `generato il ${at}`,
  summary: {
    nodes: 'nodi',
    enabledFixedEnd: (end) => `attivi, estremo fisso ${end === 'top' ? 'in testa' : 'al fondo'}`,
    rows: 'righe nel periodo',
    largest: 'spostamento massimo',
    nodeAt: (node, depth, at) => `nodo ${node} a ${depth}, ${at}`,
    noValue: 'nessun valore',
    events: 'eventi di allarme',
    highest: (level, open) => `livello massimo ${level}, ${open} non confermati`,
  },
  position: (n) => `posizione ${n}`,
  cumulativeProfiles: 'Profili di spostamento cumulato',
  cumulativeNote: "spostamento di ogni nodo sommato dall'estremo fisso (mm), dal riferimento",
  incrementalProfiles: 'Profili di spostamento incrementale',
  incrementalNote: 'spostamento di ogni singolo segmento (mm), dal riferimento',
  axisX: 'Asse X',
  axisY: 'Asse Y',
  resultant: 'Risultante',
  depthAxis: 'profondità (m)',
  positionAxis: 'posizione del nodo',
  datesShown: 'Date mostrate',
  asked: (at) => `richiesta ${at}`,
  profileNote:
    "Ogni profilo è l'ultima riga elaborata alla sua data o prima. La profondità cresce verso il basso; un valore nullo (nodo disattivato o non valido) interrompe la linea.",
  timeSeries: 'Serie temporali',
  timeSeriesNote: 'spostamento cumulato dei nodi scelti (mm) con le soglie cumulative_mm',
  noNode: 'Nessun nodo scelto.',
  node: (n) => `Nodo ${n}`,
  rows: (n) => `${n} righe`,
  levelValue: (level, value) => `livello ${level}: ${value} mm`,
  resultantLegend: 'cumR (risultante)',
  thresholdLevel: (level) => `soglia di livello ${level}`,
  offScale: (n) => `${n} soglia/e fuori scala`,
  metrics: {
    cumulative_mm: 'cumulato (mm)',
    velocity_mm_per_day: 'velocità (mm/giorno)',
    tilt_deg: 'inclinazione (°)',
  },
  why: {
    chosen: 'scelta',
    reference: 'riferimento',
    'mid-period': 'metà periodo',
    latest: 'più recente',
    'largest displacement': 'spostamento massimo',
    'top node': 'nodo in testa',
  },
  alarmEvents: 'Eventi di allarme',
  newest: (n) => `i ${n} più recenti del periodo`,
  inPeriod: (n) => `${n} nel periodo, dal più vecchio`,
  noEvents: 'Nessun evento di allarme nel periodo.',
  columns: {
    timeUtc: 'ora (UTC)',
    metric: 'grandezza',
    level: 'livello',
    node: 'nodo',
    value: 'valore',
    notified: 'notificato',
    acknowledged: 'confermato',
    note: 'nota',
    depth: 'profondità (m)',
    rows: 'righe',
    length: 'lunghezza (mm)',
    enabled: 'attivo',
    axes: 'assi',
    gain: 'guadagno X / Y',
    offset: 'offset X / Y',
    tempCoeff: 'coeff. temp. X / Y',
  },
  notAcknowledged: 'non confermato',
  ackBy: (at, by) => `${at} da ${by}`,
  quality: 'Qualità dei dati',
  qualityNote:
    'righe elaborate del periodo per nodo, per flag (ELABORATION.md §3.13); una riga può contare sotto più flag',
  all: 'tutti',
  parameters: 'Parametri usati',
  parametersNote:
    "active_stations, rsn_thresholds e l'ultima esecuzione, come registrati alla creazione del rapporto",
  params: {
    site: 'sito',
    unitChain: 'centralina / catena',
    active: 'attiva',
    fixedEnd: 'estremo fisso',
    bottomDefault: 'fondo (predefinito)',
    referenceTime: 'ora di riferimento',
    firstValid: 'prima lettura valida (predefinito)',
    referenceWindow: 'finestra di riferimento (h)',
    despikeWindow: 'finestra di despike (campioni)',
    despikeNSigma: 'despike n·sigma',
    despikeMinSigma: 'despike sigma minima (°)',
    despikeLookback: 'despike storico (h)',
    holdLastValid: 'mantieni ultimo valido (h)',
    velocityWindow: 'finestra di velocità (h)',
    alarmOnDelay: 'ritardo di attivazione allarme (h)',
    alarmOffDelay: 'ritardo di rientro allarme (h)',
    staleAfter: 'dati fermi dopo (h)',
    timeZone: 'fuso orario del sito',
    database: 'database',
    lastRun: 'ultima esecuzione',
    fingerprint: 'impronta della configurazione',
  },
  yes: 'sì',
  no: 'no',
  byDefault: 'predefinito',
  thresholds: 'Soglie',
  noThresholds: 'Nessuna soglia configurata: la catena non genera allarmi.',
  everyNode: 'ogni nodo',
  nodes: 'Nodi',
  lengthDefault: '1000 (predefinito)',
  footer: (label, site) => `Catena, rapporto della catena  ·  ${label}  ·  ${site}`,
  page: (page, of) => `pagina ${page} di ${of}`,
};

export const REPORT_WORDS: Record<Lang, ReportWords> = { en: EN, it: IT };
