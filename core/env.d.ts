// The few web-platform globals core relies on. They exist in every runtime core targets
// (browsers, web workers, Node >= 18) but belong to neither the ES lib nor core's tsconfig,
// which deliberately has no DOM or Node types so that `Buffer` or `document` cannot compile here.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
