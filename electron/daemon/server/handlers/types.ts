/** The shape of a method's handler: validated, authorised params in, the method's result out. */
import type { MethodName, ResultOf, ValidParams } from '../../../../shared/protocol.js';
import type { Caller } from '../../callers/caller.js';

export type Handler<M extends MethodName> = (params: ValidParams<M>, caller: Caller) => ResultOf<M> | Promise<ResultOf<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };
/** The handlers of some methods: each file of handlers/ serves one concern. */
export type HandlerGroup<M extends MethodName> = { [K in M]: Handler<K> };
