import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Provider } from '@modalflow/engine';
import type { ProbeOutcome } from './probe.ts';

const require = createRequire(import.meta.url);

const PLATFORM = `${process.platform}/${process.arch}`;

/** Where onnxruntime-node keeps its native libraries; provider plug-ins are loaded from here. */
export function ortBinDir(): string {
  const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
  return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

let backends: string[] | undefined;

/** The execution providers this onnxruntime-node build was compiled with. */
export function compiledBackends(): string[] {
  if (!backends) {
    try {
      backends = ort.listSupportedBackends().map((b) => b.name);
    } catch {
      // Older bindings lack the call; every build has the CPU EP.
      backends = ['cpu'];
    }
  }
  return backends;
}

/**
 * How to fetch the CUDA provider. The package's own install script is called directly because
 * npm 11 skips dependency install scripts unless allowScripts approves them, so
 * `npm rebuild` may silently do nothing.
 */
function cudaInstallHint(): string {
  const script = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'script', 'install.js');
  return (
    `Install them with \`ONNXRUNTIME_NODE_INSTALL=cuda12 node ${script}\` (downloads ` +
    'Microsoft.ML.OnnxRuntime.Gpu.Linux 1.30.0 from nuget.org, so it needs network access), then make the ' +
    'CUDA 12 runtime, cuBLAS and cuDNN 9 libraries loadable (system install or LD_LIBRARY_PATH)'
  );
}

/**
 * Why CUDA cannot work here without trying it, or undefined when its files are in place.
 * The check is a stat of two files, so it runs before every session at no cost.
 */
export function cudaPrecheck(): string | undefined {
  if (!compiledBackends().includes('cuda')) {
    return (
      `this onnxruntime-node build has no CUDA execution provider on ${PLATFORM}; ` +
      'the prebuilt binaries support CUDA on Linux x64 only'
    );
  }
  const dir = ortBinDir();
  const missing = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'].filter(
    (f) => !existsSync(path.join(dir, f)),
  );
  if (missing.length === 0) return undefined;
  return (
    `CUDA provider libraries are not installed (${missing.join(' and ')} not found next to the ` +
    `onnxruntime-node binding in ${dir}; onnxruntime-node was installed with ONNXRUNTIME_NODE_INSTALL=skip, ` +
    `or its install-time download failed). ${cudaInstallHint()}`
  );
}

/** Reads `ldd` for the CUDA provider to name the CUDA/cuDNN libraries the loader cannot find. */
export function missingCudaDependencies(): Promise<string[]> {
  const lib = path.join(ortBinDir(), 'libonnxruntime_providers_cuda.so');
  return new Promise((resolve) => {
    execFile('ldd', [lib], { timeout: 5000 }, (err, stdout) => {
      if (err && !stdout) return resolve([]);
      resolve(parseLddMissing(String(stdout)));
    });
  });
}

export function parseLddMissing(lddOutput: string): string[] {
  const out: string[] = [];
  for (const line of lddOutput.split('\n')) {
    const m = /^\s*(\S+)\s+=>\s+not found/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** Turns a CUDA session-creation error into a reason a user can act on. */
export async function explainCudaError(message: string): Promise<string> {
  if (/Failed to load shared library|cannot open shared object/i.test(message)) {
    // ORT's log line (seen on a probe's stderr) names the library dlopen could not find.
    const dl = /Failed to load library (\S+) with error: (\S+?): cannot open shared object file/.exec(message);
    if (dl && path.basename(dl[2]!) !== path.basename(dl[1]!)) {
      return (
        `the CUDA provider is installed but cannot load: ${dl[2]} not found (needed by ${path.basename(dl[1]!)}). ` +
        'Install CUDA 12 and cuDNN 9 runtime libraries and make them visible (system library path or LD_LIBRARY_PATH)'
      );
    }
    const missing = await missingCudaDependencies();
    if (missing.length > 0) {
      return (
        `the CUDA provider is installed but cannot load: ${missing.join(', ')} not found. ` +
        'Install CUDA 12 and cuDNN 9 runtime libraries and make them visible (system library path or LD_LIBRARY_PATH)'
      );
    }
    return (
      `the CUDA provider library failed to load (${firstLine(message)}). Check that CUDA 12 and cuDNN 9 ` +
      'runtime libraries are installed and visible; ORT prints the exact missing library on stderr'
    );
  }
  const code = /CUDA failure (\d+): ([^;\n]*)/.exec(message);
  if (code) {
    const [, n, text] = code;
    if (n === '100') return `no CUDA-capable GPU is visible (CUDA error 100: ${text!.trim()}); check the NVIDIA driver and CUDA_VISIBLE_DEVICES`;
    if (n === '35') return `the NVIDIA driver is too old for CUDA 12 (CUDA error 35: ${text!.trim()}); update the driver`;
    return `CUDA failed to initialise (CUDA error ${n}: ${text!.trim()})`;
  }
  return `creating a CUDA session failed: ${firstLine(message)}`;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function softwareVulkanHint(): string {
  if (existsSync(SWIFTSHADER_ICD)) {
    return (
      `; a software driver is present on this machine: run with LD_LIBRARY_PATH=/usr/lib/chromium ` +
      `VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`
    );
  }
  return (
    '; without a GPU, Debian\'s chromium package ships a software driver (SwiftShader): ' +
    `apt-get install chromium, then run with LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`
  );
}

/** Why WebGPU cannot work here without trying it, or undefined when a probe is needed. */
export function webgpuPrecheck(): string | undefined {
  if (!compiledBackends().includes('webgpu')) {
    return (
      `this onnxruntime-node build has no WebGPU execution provider on ${PLATFORM}; ` +
      'the prebuilt binaries include it on Windows, macOS and Linux x64 only'
    );
  }
  return undefined;
}

/**
 * Turns a failed WebGPU probe into a reason. ORT only ever says "No supported adapters"; the
 * cause is in Dawn's and the Vulkan loader's warnings on the probe's stderr.
 */
export function explainWebgpuProbe(p: ProbeOutcome): string {
  const err = p.stderr;
  if (p.kind === 'timeout') {
    return `creating a WebGPU device hung (${p.error}; the probe process was killed); the GPU driver is stalling, so WebGPU is skipped`;
  }
  if (p.kind === 'crash') {
    return `creating a WebGPU device crashed the probe process (${p.error})${tail(err)}; WebGPU is skipped so this process does not crash too`;
  }
  if (p.kind === 'wrong-result') return `WebGPU ran a test model but computed wrong numbers (${p.error})`;
  const msg = p.error ?? '';
  if (process.platform === 'linux' && /adapter/i.test(msg)) {
    const icdFile = /Failed to open JSON file (\S+)/.exec(err)?.[1];
    const icdLib = /Failed loading library associated with ICD JSON (\S+)/.exec(err)?.[1];
    if (/libvulkan\.so\.1: cannot open shared object file/.test(err)) {
      return (
        'no WebGPU adapter: the Vulkan loader libvulkan.so.1 cannot be loaded. Install it with a Vulkan ' +
        'driver for your GPU (Debian/Ubuntu: libvulkan1 plus mesa-vulkan-drivers or the NVIDIA driver), or put ' +
        'a directory holding libvulkan.so.1 on LD_LIBRARY_PATH' +
        softwareVulkanHint()
      );
    }
    if (icdFile) {
      return `no WebGPU adapter: the Vulkan driver manifest ${icdFile} (from VK_ICD_FILENAMES/VK_DRIVER_FILES) cannot be opened; fix the path` + softwareVulkanHint();
    }
    if (icdLib) {
      return `no WebGPU adapter: the Vulkan driver library ${icdLib} named by the driver manifest cannot be loaded` + softwareVulkanHint();
    }
    if (/Found no drivers/.test(err)) {
      return (
        'no WebGPU adapter: no Vulkan driver found (vkCreateInstance: Found no drivers). Install your GPU\'s ' +
        'Vulkan driver (mesa-vulkan-drivers, or the NVIDIA driver with its Vulkan ICD), or set VK_ICD_FILENAMES ' +
        'to a driver manifest' +
        softwareVulkanHint()
      );
    }
    const warning = /Warning: (.+)/.exec(err)?.[1];
    const cause = firstLine(msg.replace(/^.*?Failed to get/s, 'Failed to get'));
    // A driver was found but Dawn turned it down (e.g. Mesa's lavapipe lacks a feature WebGPU needs).
    return (
      (warning
        ? `no WebGPU adapter: the Vulkan driver found cannot run WebGPU (Dawn: ${warning.trim()}; ${cause})`
        : `no WebGPU adapter: ${cause}`) + softwareVulkanHint()
    );
  }
  return `creating a WebGPU session failed: ${firstLine(msg)}${tail(err)}`;
}

function tail(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length ? `; stderr: ${lines.slice(-3).join(' | ')}` : '';
}

export function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim()) ?? s).trim();
}

/** Providers this package can never serve, whatever the machine. */
export function staticReason(p: Provider): string | undefined {
  if (p === 'wasm') {
    return "'wasm' is onnxruntime-web's provider; onnxruntime-node runs the same CPU kernels natively as 'cpu'";
  }
  return undefined;
}
