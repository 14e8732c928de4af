import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { io } from '@tensorflow/tfjs-core';

/** File names of a saved tfjs-layers model inside its folder. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/**
 * A tfjs IOHandler that saves a layers model as `model.json` + `weights.bin` in `dir`
 * with node:fs (tfjs's own `file://` handler needs tfjs-node, which may be absent).
 * The format is the standard tfjs one, so tfjs-node and tfjs in a browser can read it.
 */
export function fsIoHandler(dir: string): io.IOHandler {
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('fsIoHandler saves layers models only (JSON topology)');
      }
      await mkdir(dir, { recursive: true });
      const weightData = concatWeightData(artifacts.weightData);
      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, MODEL_JSON), `${JSON.stringify(modelJson)}\n`);
      await writeFile(join(dir, WEIGHTS_BIN), weightData);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weightData.byteLength,
        },
      };
    },
    async load(): Promise<io.ModelArtifacts> {
      const modelJson = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as {
        format?: string;
        generatedBy?: string;
        convertedBy?: string | null;
        modelTopology: object;
        weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
      };
      const specs: io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of modelJson.weightsManifest) {
        specs.push(...group.weights);
        for (const path of group.paths) buffers.push(await readFile(join(dir, path)));
      }
      const joined = Buffer.concat(buffers);
      const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
      return {
        modelTopology: modelJson.modelTopology,
        weightSpecs: specs,
        weightData,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy ?? undefined,
      };
    },
  };
}

function concatWeightData(data: io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  return Buffer.concat(parts.map((b) => new Uint8Array(b)));
}
