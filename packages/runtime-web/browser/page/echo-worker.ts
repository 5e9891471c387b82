// A comlink-exposed worker that answers at once: the cost of an RPC proxy call, for comparison
// with the program worker's plain messages.
import { expose } from 'comlink';

expose({ echo: () => undefined });
