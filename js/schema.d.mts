/** Types of js/schema.mjs (the schema generator script). */
export declare const SCHEMA_PATH: string;
/** The committed js/protocol.schema.json's text. */
export declare function committedSchema(): string;
/** The schema js/protocol.ts gives now, as the committed file's text. */
export declare function generateSchema(): string;
