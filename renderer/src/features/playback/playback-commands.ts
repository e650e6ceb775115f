import type { RpcClient } from '../../../../shared/rpc';
import type { Command } from '../../app/commands';
import { getUi, setUi } from '../../app/ui-store';
import { playbackChoices } from './playback-choices';
import { startAt, step } from './playback-clock';

const playingBack = () => getUi().playback !== null;
const WHEN = 'the archive plays back';

/** Starts playing the archive back, paused at the end of its first window (or now, when the archive is empty), at the speed and window chosen last. */
export function startPlayback(client: RpcClient): void {
  void client.call('playback.range', {}).then((range) => setUi({ playback: startAt(range ?? { from: Date.now(), to: Date.now() }, playbackChoices.get()) }));
}

/** One step of the archive, within its range (asked again: it grows while the engine runs). */
function stepBy(client: RpcClient, direction: -1 | 1): void {
  void client.call('playback.range', {}).then((range) => {
    const s = getUi().playback;
    if (s && range) setUi({ playback: step(s, direction, range) });
  });
}

/** Playback's commands: start it (y), and while it runs, play or pause, step, and Escape back to live. */
export function playbackCommands(): Command[] {
  return [
    {
      id: 'playback.start',
      title: 'Play back the archive',
      group: 'Playback',
      shortcut: 'y',
      run: ({ client }) => startPlayback(client),
    },
    {
      id: 'playback.exit',
      title: 'Back to live',
      group: 'Playback',
      shortcut: 'Escape',
      enabled: playingBack,
      when: WHEN,
      run: () => setUi({ playback: null }),
    },
    {
      id: 'playback.toggle',
      title: 'Play or pause',
      group: 'Playback',
      enabled: playingBack,
      when: WHEN,
      run: () => setUi((s) => ({ playback: s.playback && { ...s.playback, playing: !s.playback.playing } })),
    },
    { id: 'playback.back', title: 'Step back', group: 'Playback', enabled: playingBack, when: WHEN, run: ({ client }) => stepBy(client, -1) },
    { id: 'playback.forward', title: 'Step forward', group: 'Playback', enabled: playingBack, when: WHEN, run: ({ client }) => stepBy(client, 1) },
  ];
}
