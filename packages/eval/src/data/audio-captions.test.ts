import { describe, expect, it } from 'vitest';
import { readAudioCaptions } from './audio-captions.ts';
import { caught, chunked, fixtureText } from '../testing/fixtures.ts';

describe('readAudioCaptions', () => {
  it('groups AudioCaps captions by clip, keeping quoted commas and newlines', async () => {
    const ds = await readAudioCaptions(chunked(fixtureText('samples/audiocaps_test.csv'), 11), 'test.csv', { audioRoot: 'audio', audioPattern: '{youtube_id}_{start_time}.wav' });
    expect(ds.format).toBe('audiocaps');
    expect(ds.rows).toEqual([
      { audio_id: '7fmOlUlwoNg', audio: 'audio/7fmOlUlwoNg_20.wav', captions: ['Constant rattling noise and sharp vibrations', 'A rattling noise, then vibrations'] },
      { audio_id: '6BJ455B1aAs', audio: 'audio/6BJ455B1aAs_0.wav', captions: ['A man speaks, then a\ndog barks'] },
    ]);
    expect(ds.at[1]).toEqual({ file: 'test.csv', line: 4 });
  });

  it('reads Clotho rows with their five captions', async () => {
    const ds = await readAudioCaptions([fixtureText('samples/clotho_captions_evaluation.csv')], 'eval.csv');
    expect(ds.format).toBe('clotho');
    expect(ds.rows[1]).toEqual({
      audio_id: 'Radio, Static.wav',
      audio: 'Radio, Static.wav',
      captions: ['Static crackles on a radio.', 'A radio is tuned between stations.', 'Static noise from a radio.', 'A radio hisses.', 'White noise on an old radio.'],
    });
  });

  it('names the line of a short row, an unclosed quote and an unknown header', async () => {
    const short = await caught(() => readAudioCaptions(['audiocap_id,youtube_id,start_time,caption\n1,a,0,x\n2,b,0\n'], 'a.csv'));
    expect(short.code).toBe('MF_DATA_CSV');
    expect(short.at).toEqual({ file: 'a.csv', line: 3 });
    const open = await caught(() => readAudioCaptions(['audiocap_id,youtube_id,start_time,caption\n1,a,0,"x\n'], 'a.csv'));
    expect(open.at).toEqual({ file: 'a.csv', line: 2 });
    expect((await caught(() => readAudioCaptions(['a,b\n1,2\n'], 'a.csv'))).code).toBe('MF_DATA_CSV');
  });
});
