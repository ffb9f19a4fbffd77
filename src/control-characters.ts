/**
 * C0 controls, DEL and C1 controls (U+0080-U+009F; U+009B is a one-character CSI to some
 * terminals): what a terminal may act on. Senders' text reaches workflow IDs, the Temporal UI, logs
 * and operators' terminals, so the receiver refuses or strips these and the CLI escapes them.
 */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
