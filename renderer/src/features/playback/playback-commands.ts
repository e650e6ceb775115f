import type { RpcClient } from '../../../../shared/rpc';
import type { Command } from '../../app/commands';
import { getUi, setUi } from '../../app/ui-store';
import { startAt } from './playback-clock';

const playingBack = () => getUi().playback !== null;

/** Starts playing the archive back, paused at the end of its first window (or now, when the archive is empty). */
export function startPlayback(client: RpcClient): void {
  void client.call('playback.range', {}).then((range) => setUi({ playback: startAt(range ?? { from: Date.now(), to: Date.now() }) }));
}

/** Playback's commands: start it (y), and while it runs, pause or play, and Escape back to live. */
export function playbackCommands(): Command[] {
  return [
    {
      id: 'heatmap.playback',
      title: 'Heatmap: play back the archive (time playback)',
      group: 'Heatmap',
      shortcut: 'y',
      run: ({ client }) => startPlayback(client),
    },
    {
      id: 'playback.exit',
      title: 'Back to the live heatmap',
      group: 'Heatmap',
      shortcut: 'Escape',
      enabled: playingBack,
      run: () => setUi({ playback: null }),
    },
    {
      id: 'playback.toggle',
      title: 'Play or pause the archive',
      group: 'Heatmap',
      enabled: playingBack,
      run: () => setUi((s) => ({ playback: s.playback && { ...s.playback, playing: !s.playback.playing } })),
    },
  ];
}
