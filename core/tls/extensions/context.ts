import type { FieldReader } from '../../bytes/field-reader.js';
import type { DecodedExtensions, MessageKind } from '../model.js';

/** Where an extension appears decides its syntax (supported_versions is a list in a ClientHello, one value in a ServerHello). */
export interface ExtensionContext {
  message: MessageKind;
  /** The model being filled. */
  target: DecodedExtensions;
}

/** Decodes one extension's data; `r` is bounded to the data. */
export type ExtensionDecoder = (r: FieldReader, ctx: ExtensionContext) => void;

export const isClient = (ctx: ExtensionContext): boolean => ctx.message === 'client_hello';
