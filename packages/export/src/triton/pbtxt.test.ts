import { describe, expect, it } from 'vitest';
import { EnumValue, parsePbtxt, writePbtxt } from './pbtxt.ts';

describe('config.pbtxt against model_config.proto', () => {
  it('reads back what it writes', () => {
    const text = writePbtxt({
      name: 'm',
      backend: 'onnxruntime',
      max_batch_size: 8,
      input: [{ name: 'x', data_type: new EnumValue('TYPE_FP32'), dims: [16, -1] }],
      output: [{ name: 'y', data_type: new EnumValue('TYPE_STRING'), dims: [1] }],
      dynamic_batching: { max_queue_delay_microseconds: 100 },
    });
    expect(parsePbtxt(text)).toEqual({
      name: 'm',
      backend: 'onnxruntime',
      max_batch_size: 8,
      input: [{ name: 'x', data_type: 'TYPE_FP32', dims: [16, -1] }],
      output: [{ name: 'y', data_type: 'TYPE_STRING', dims: [1] }],
      dynamic_batching: { max_queue_delay_microseconds: 100 },
    });
  });

  it('takes the text format as Triton users write it: comments, angle brackets, maps, repeated fields one by one', () => {
    const parsed = parsePbtxt(`
      # an ensemble
      name: 'e'
      platform: "ensemble"
      input < name: "a" data_type: TYPE_INT64 dims: -1 dims: 4 >
      parameters { key: "k" value { string_value: "v" } }
      ensemble_scheduling { step [ { model_name: "s" model_version: -1 input_map { key: "i" value: "a" } } ] }
    `);
    expect(parsed.input).toEqual([{ name: 'a', data_type: 'TYPE_INT64', dims: [-1, 4] }]);
    expect(parsed.parameters).toEqual({ k: { string_value: 'v' } });
    expect(parsed.ensemble_scheduling).toEqual({ step: [{ model_name: 's', model_version: -1, input_map: { i: 'a' } }] });
  });

  it('refuses what Triton would refuse, naming the line', () => {
    expect(() => parsePbtxt('nme: "m"')).toThrow('line 1: ModelConfig has no field "nme"');
    expect(() => parsePbtxt('name: "m"\ninput { data_type: TYPE_FLOAT }')).toThrow(/line 2: data_type: "TYPE_FLOAT" is not one of TYPE_INVALID/);
    expect(() => parsePbtxt('max_batch_size: "8"')).toThrow(/needs a whole number/);
    expect(() => parsePbtxt('name: "a"\nname: "b"')).toThrow(/line 2: name is given twice/);
    expect(() => parsePbtxt('input { name: "x"')).toThrow(/missing "}"/);
    // dynamic_batching and ensemble_scheduling are one oneof: a model has one scheduler.
    expect(() => parsePbtxt('dynamic_batching { }\nensemble_scheduling { }')).toThrow(/scheduling_choice/);
  });
});
