import { Command, Option } from 'commander';
import type { Io } from './io.ts';
import { DEVICES, UsageError } from '@modalflow/node-io';
import { collect, collectSymbol } from './symbols.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`"${value}" is not a positive whole number`);
  return n;
}

export const VERSION = '0.1.0';

const GRANULARITIES = ['segments', 'whole', 'per-node'];

const WEIGHTS_MAP_HELP =
  "rename --weights' tensors into the graph's through a checkpoint map: a name from weights-maps/ beside the graph (e.g. hf) or a map .json file; reports keys not placed and weights left seeded";

/**
 * Loads a command's module only when it runs: the graph libraries take most of a second to
 * load, which `--help` and usage errors should not pay.
 */
function lazy<A extends unknown[]>(load: () => Promise<(io: Io, ...args: A) => unknown>, io: Io) {
  return async (...args: A) => {
    const command = await load();
    await command(io, ...args);
  };
}

function granularity(): Option {
  return new Option('--granularity <how>', 'how nodes are grouped into ONNX stages').choices(GRANULARITIES).default('segments');
}

/** Where the graph's assets (imported models, tokenizer files) come from, for every command that reads the graph. */
function withAssets(command: Command): Command {
  return command
    .option('--asset <name=path>', "read this file for one of the graph's assets instead of the one it names (repeatable)", collect)
    .option(
      '--model-dir <folder>',
      'take assets named onnx/<name>.onnx, tokenizer.json, tokenizer_config.json or preprocessor_config.json from this Hugging Face Optimum / transformers.js model folder',
    )
    .option('--variant <name>', 'with --model-dir: use onnx/<name>_<variant>.onnx, e.g. quantized, fp16, q4');
}

/** The whole command-line surface; each command's work lives in src/commands/. */
export function createProgram(io: Io): Command {
  const program = new Command('modalflow')
    .description('ModalFlow: validate, inspect, compile and run multimodal model graphs')
    .version(VERSION)
    // Inherited by every subcommand created below: errors reach runCli as exceptions, so
    // usage mistakes exit 2 rather than commander's 1.
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError();

  program
    .command('nodes')
    .description('list every node type with its ports, params and documentation')
    .argument('[filter]', 'only types or categories containing this text')
    .option('--json', 'print machine-readable JSON')
    .action(lazy(async () => (await import('./commands/nodes.ts')).nodesCommand, io));

  withAssets(program
    .command('validate')
    .description('check a graph file and report every problem with its location')
    .argument('<graph>', 'graph JSON file')
    .option('--json', 'print { ok, problems } as JSON'))
    .action(lazy(async () => (await import('./commands/validate.ts')).validateCommand, io));

  withAssets(program
    .command('inspect')
    .description("show each node's output shapes, parameter count and FLOPs (no weights are built)")
    .argument('<graph>', 'graph JSON file')
    .option('--json', 'print machine-readable JSON')
    .option('--symbol <NAME=SIZE>', 'size of a named dimension for FLOP counts, e.g. B=8 (repeatable)', collectSymbol))
    .action(lazy(async () => (await import('./commands/inspect.ts')).inspectCommand, io));

  withAssets(program
    .command('compile')
    .description('compile a graph into plan.json and one ONNX model per stage')
    .argument('<graph>', 'graph JSON file')
    .requiredOption('-o, --out <dir>', 'output directory (created if missing)')
    .addOption(granularity())
    .option('--tap <node.port>', 'also output this tensor (repeatable)', collect)
    .option('--weights <file>', 'weights .safetensors file (overrides the one the graph names)')
    .option('--weights-map <name|file>', WEIGHTS_MAP_HELP)
    .option('--verbose', 'report progress on stderr even when it is not a terminal'))
    .action(lazy(async () => (await import('./commands/compile.ts')).compileCommand, io));

  withAssets(program
    .command('run')
    .description('compile and run a graph on onnxruntime, printing its outputs')
    .argument('<graph>', 'graph JSON file')
    .option(
      '-i, --input <name=value>',
      'an input value (repeatable): a .png/.jpg/.npy/.json file (or @file), an inline JSON array, a number, or text',
      collect,
    )
    .addOption(new Option('--device <device>', 'preferred device, falling back to slower ones (default order: cuda, webgpu, cpu)').choices(DEVICES))
    .option('--providers <list>', 'exact execution provider order, comma-separated, e.g. webgpu,cpu')
    .option('--weights <file>', 'weights .safetensors file (overrides the one the graph names)')
    .option('--weights-map <name|file>', WEIGHTS_MAP_HELP)
    .option('--json', 'print { outputs, providers, stages, ms } as JSON on stdout')
    .option('--out <dir>', 'also write each output and tap as .npy into this directory (with --data: results.jsonl or a folder)')
    .option('--tap <node.port>', 'also return this intermediate tensor (repeatable)', collect)
    .option('--data <source>', 'run every row of a dataset: a .jsonl/.csv manifest whose columns name the inputs, or a folder of .npy files; re-running skips rows already in --out')
    .option('--batch-size <n>', 'with --data: rows per run (default 16)')
    .option(
      '--max-image-pixels <n>',
      "refuse pictures whose header declares more pixels than this, before decoding them (default: Pillow's MAX_IMAGE_PIXELS, 89478485)",
      positiveInt,
    )
    .addOption(granularity())
    .option('--verbose', 'report progress on stderr even when it is not a terminal')
    .option('-q, --quiet', 'do not report providers and timing on stderr'))
    .action(lazy(async () => (await import('./commands/run.ts')).runCommand, io));

  withAssets(program
    .command('train')
    .description("train the graph's weights on a dataset, minimising its loss nodes")
    .argument('<graph>', 'graph JSON file')
    .requiredOption('--data <source>', 'training data: a .jsonl/.csv manifest whose columns name the inputs, a folder of .npy files, or world:shapes?count=512&seed=1')
    .option('--eval <source>', 'held-out data to report loss and accuracy on (default: the world\'s held-out split, or --held-out)')
    .option('--held-out <fraction>', 'keep this fraction (or count) of --data apart for evaluation')
    .option('--steps <n>', 'optimisation steps to take')
    .option('--epochs <n>', 'passes over the training data (instead of --steps)')
    .option('--batch-size <n>', 'examples per step', '32')
    .addOption(new Option('--optimizer <name>', 'optimiser').choices(['adamw', 'sgd']).default('adamw'))
    .option('--lr <rate>', 'base learning rate', '1e-3')
    .option('--momentum <m>', 'SGD momentum', '0.9')
    .option('--weight-decay <wd>', 'decoupled weight decay (AdamW, default 0.01) or L2 (SGD, default 0)')
    .option('--warmup <steps>', 'linear learning-rate warm-up steps')
    .addOption(new Option('--schedule <kind>', 'learning-rate decay after warm-up').choices(['none', 'cosine']).default('none'))
    .option('--clip-norm <n>', 'clip gradients to this global L2 norm')
    .option('--freeze <pattern>', 'keep weights matching this name pattern fixed, e.g. "vision_*" (repeatable)', collect)
    .option('--unfreeze <pattern>', 'train weights matching this pattern even on nodes marked not trainable (repeatable)', collect)
    .option('--objective <node=weight>', 'train on this loss node with this weight instead of the marked ones (repeatable)', collect)
    .option('--weights <file>', 'start from these weights (.safetensors)')
    .option('--init <file>', 'start from the weights of this file whose names match the graph\'s (.safetensors from another graph); the others keep their seeded values')
    .option('--shots <k>', 'train on at most k examples of each class (the integer target input\'s value), the first in data order')
    .option('--resume <checkpoint>', 'continue a run from a checkpoint written by --checkpoint')
    .option('--checkpoint <file>', 'write weights and optimiser state here at the end (and every --checkpoint-every steps)')
    .option('--checkpoint-every <n>', 'also write the checkpoint every n steps')
    .option('--eval-every <n>', 'report held-out loss and accuracy every n steps')
    .option('--seed <n>', 'seed for shuffling and splitting the data', '0')
    .option('-o, --out <file>', 'write the trained weights here (.safetensors, usable with run --weights)')
    .addOption(new Option('--device <device>', 'preferred device, falling back to slower ones (default order: cuda, webgpu, cpu)').choices(DEVICES))
    .option('--providers <list>', 'exact execution provider order, comma-separated, e.g. webgpu,cpu')
    .option('--json', 'print one JSON object per step and a final summary on stdout')
    .option('--verbose', 'report progress on stderr even when it is not a terminal')
    .option('-q, --quiet', 'print nothing but errors'))
    .action(lazy(async () => (await import('./commands/train.ts')).trainCommand, io));

  withAssets(program
    .command('eval')
    .description('evaluate a graph (or a predictions file) on a data set with the papers\' metrics; writes report.json and report.html')
    .argument('[graph]', 'graph JSON file to run over the data set (omit with --predictions)')
    .requiredOption('--data <file>', 'the data set: COCO captions, Karpathy split, Flickr30k .token, VQA questions, Visual Genome regions, AudioCaps/Clotho CSV, MSR-VTT, NLVR2')
    .requiredOption('--metric <name>', 'recall, vqa, accuracy, nlvr2, itm, bleu, cider, captioning, meteor, spice (repeatable or comma-separated)', collect)
    .option('--format <name>', 'the data set\'s format, when its name or contents do not tell')
    .option('--annotations <file>', 'VQA annotations (ground-truth answers) for the questions in --data')
    .option('--media <folder>', 'folder the data set\'s image, audio or video file names are relative to (default: beside --data)')
    .option('--split <name>', 'Karpathy / MSR-VTT split to keep, e.g. test (repeatable)', collect)
    .option('--audio-pattern <pattern>', 'AudioCaps file names, from {youtube_id}, {start_time}, {audiocap_id} (default {youtube_id}.wav)')
    .option('--predictions <file>', 'score these predictions instead of running a graph: caption or VQA results JSON, NLVR2 CSV, or an .npy score matrix for retrieval')
    .option('--features <path>', 'bottom-up-attention region features: a TSV (LXMERT/UNITER or original layout) or a folder of <image_id>.npz/.npy')
    .option('--answers <file>', 'answer list the graph scores (JSON list, answer-to-label JSON, or one per line)')
    .option('-i, --input <name=column>', 'feed this data-set column to this graph input (repeatable; by default inputs bind by name and kind)', collect)
    .option('--output <name>', 'the graph output holding the scores')
    .option('--batch <n>', 'examples per run (default 16)')
    .addOption(new Option('--device <device>', 'preferred device, falling back to slower ones').choices(DEVICES))
    .option('--providers <list>', 'exact execution provider order, comma-separated')
    .option('--weights <file>', 'weights .safetensors file (overrides the one the graph names)')
    .option('--out <dir>', 'where report.json and report.html go (default: eval-report/ beside the predictions, or in the working directory)')
    .option('--json', 'print the report as JSON on stdout')
    .option('--verbose', 'report progress on stderr even when it is not a terminal')
    .option('-q, --quiet', 'print only the results'))
    .action(lazy(async () => (await import('./commands/eval.ts')).evalCommand, io));

  program
    .command('world')
    .description('write the generated teaching world (pictures of shapes, captions, questions) as JSONL manifests and PNG files')
    .argument('<spec>', "world spec, e.g. 'world:shapes?count=512&seed=1&heldout=purple-circle' (see packages/world/README.md)")
    .requiredOption('-o, --out <dir>', 'folder to write train.jsonl, test.jsonl, heldout.jsonl, images/ and world.json into')
    .action(lazy(async () => (await import('./commands/world.ts')).worldCommand, io));

  program
    .command('quantize')
    .description('write an int8 (dynamic, per-column weight scales) or float16 variant of an ONNX model or of a compiled plan folder, with an accuracy report against float32')
    .argument('<model>', 'an .onnx file, or a folder written by `modalflow compile`')
    .requiredOption('-o, --out <path>', 'the .onnx file (or folder, for a plan) to write')
    .addOption(new Option('--to <precision>', 'int8: MatMulInteger with per-column int8 weights; fp16: float16 weights, inputs and outputs').choices(['int8', 'fp16']).default('int8'))
    .option('--samples <n>', 'generated sample inputs to compare float32 and the variant on', '8')
    .option('--dim <name=size>', 'size of an open dimension of the sample inputs, e.g. batch_size=2 (repeatable)', collect)
    .option('--json', 'print the accuracy report as JSON')
    .action(lazy(async () => (await import('./commands/quantize.ts')).quantizeCommand, io));
  withAssets(program
    .command('serve')
    .description('serve graphs over HTTP with the Open Inference Protocol v2 (KServe, Triton), compiling each once')
    .argument('<graphs...>', 'graph JSON files, each served as its file name (its folder name for graph.json) or as name=path')
    .option('--port <n>', 'port to listen on', (v) => (v === '0' ? 0 : positiveInt(v)), 8000)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--device <device>', 'preferred device, falling back to slower ones (default order: cuda, webgpu, cpu)').choices(DEVICES))
    .option('--providers <list>', 'exact execution provider order, comma-separated, e.g. webgpu,cpu')
    .option('--weights <file>', 'weights .safetensors file (overrides the one the graph names)')
    .option('--token <token>', 'require "Authorization: Bearer <token>" on every request but health checks (default: $MODALFLOW_TOKEN)')
    .option('--cors <origin>', 'allow browser calls from this origin (none by default)')
    .option('--max-body <bytes>', 'largest request body', positiveInt, 64 * 2 ** 20)
    .option('--timeout <ms>', 'answer 504 to a request still running after this long', positiveInt, 60_000)
    .option('--max-queue <n>', 'requests waiting per model before answering 429', positiveInt, 256)
    .option('--max-batch-size <n>', 'dynamic batching: stack concurrent requests up to this many rows into one run (1 = off)', positiveInt, 1)
    .option('--batch-delay <ms>', 'dynamic batching: how long a request waits for others to join it', (v) => (v === '0' ? 0 : positiveInt(v)), 5)
    .option('--max-image-pixels <n>', 'refuse pictures whose header declares more pixels than this', positiveInt)
    .option('--verbose', 'report progress on stderr even when it is not a terminal')
    .option('-q, --quiet', 'log only warnings and errors'))
    .action(lazy(async () => (await import('./commands/serve.ts')).serveCommand, io));

  const exporter = program.command('export').description('hand a graph to other engines: a Triton model repository or a PyTorch module');
  withAssets(exporter
    .command('triton')
    .description('write a Triton model repository: one onnxruntime model per ONNX stage and an ensemble wiring them')
    .argument('<graph>', 'graph JSON file')
    .requiredOption('-o, --out <dir>', 'the model repository folder to write')
    .option('--name <name>', 'the ensemble\'s model name (default: as `serve` names the graph)')
    .option('--max-batch-size <n>', 'largest batch Triton\'s dynamic batcher forms (0 = no batching)', (v) => (v === '0' ? 0 : positiveInt(v)))
    .addOption(granularity())
    .option('--weights <file>', 'weights .safetensors file (overrides the one the graph names)')
    .option('--verbose', 'report progress on stderr even when it is not a terminal'))
    .action(lazy(async () => (await import('./commands/export-triton.ts')).exportTritonCommand, io));

  withAssets(exporter
    .command('pytorch')
    .description("write a plain torch.nn.Module whose parameters carry the graph's weight names (PyTorch state_dict layout)")
    .argument('<graph>', 'graph JSON file')
    .requiredOption('-o, --out <file>', 'the Python file to write, e.g. model.py')
    .option('--class-name <name>', 'the module class name', 'Model')
    .option('--weights <file>', 'weights .safetensors file (overrides the one the graph names)')
    .option('--feeds-for <input=dims>', "also write the host-computed feeds (resampling matrices) for inputs of this shape, e.g. image=1x480x640x3, to <out>.feeds.safetensors (repeatable)", collect)
    .option('--verbose', 'report progress on stderr even when it is not a terminal'))
    .action(lazy(async () => (await import('./commands/export-pytorch.ts')).exportPytorchCommand, io));

  const weights = program.command('weights').description("work with a graph's weights");
  withAssets(weights
    .command('export')
    .description("write the graph's weights (from its weights file, or seeded) as .safetensors named <nodeId>.<weight>")
    .argument('<graph>', 'graph JSON file')
    .requiredOption('-o, --out <file>', 'the .safetensors file to write')
    .option('--weights <file>', 'weights .safetensors file (overrides the one the graph names)')
    .option('--weights-map <name|file>', WEIGHTS_MAP_HELP)
    .option('--init <file>', 'take the weights whose names match from this .safetensors (another graph\'s), seed the rest'))
    .action(lazy(async () => (await import('./commands/weights-export.ts')).weightsExportCommand, io));

  return program;
}
