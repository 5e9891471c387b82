import { describe, expect, it } from 'vitest';
import { readMsrVtt } from './msrvtt.ts';
import { caught, fixtureText } from '../testing/fixtures.ts';

const text = fixtureText('samples/msrvtt_videodatainfo.json');

describe('readMsrVtt', () => {
  it('joins sentences to their videos and filters splits', () => {
    const ds = readMsrVtt(text, 'v.json', { videoRoot: 'videos', splits: ['test'] });
    expect(ds.rows).toEqual([{ video_id: 'video7010', video: 'videos/video7010.mp4', split: 'test', captions: ['a man is singing on stage', 'a person performs a song'] }]);
  });

  it('rejects a sentence for an unknown video at its path', async () => {
    const e = await caught(() => readMsrVtt(text.replace('"video_id": "video0", "sen_id"', '"video_id": "video9", "sen_id"'), 'v.json'));
    expect(e.code).toBe('MF_DATA_ID_MISMATCH');
    expect(e.at.path).toBe('/sentences/0/video_id');
  });
});
