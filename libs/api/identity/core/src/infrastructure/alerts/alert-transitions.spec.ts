import { nextStep } from './alert-transitions';

const t0 = new Date('2026-12-07T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('nextStep', () => {
  it('fires at once and notifies when the rule has no `for` duration', () => {
    expect(nextStep(null, true, t0, 0)).toEqual({ action: 'open', state: 'firing', notify: true });
  });

  it('does nothing while the condition does not hold and nothing is open', () => {
    expect(nextStep(null, false, t0, 0)).toEqual({ action: 'none' });
  });

  it('keeps a firing instance without notifying again', () => {
    expect(nextStep({ state: 'firing', startedAt: t0 }, true, at(60), 0)).toEqual({ action: 'keep' });
  });

  it('waits in pending until the condition has held for the `for` duration', () => {
    expect(nextStep(null, true, t0, 300)).toEqual({ action: 'open', state: 'pending', notify: false });
    expect(nextStep({ state: 'pending', startedAt: t0 }, true, at(240), 300)).toEqual({ action: 'keep' });
    expect(nextStep({ state: 'pending', startedAt: t0 }, true, at(300), 300)).toEqual({
      action: 'fire',
      notify: true,
    });
  });

  it('resolves a firing instance with a notification, a pending one silently', () => {
    expect(nextStep({ state: 'firing', startedAt: t0 }, false, at(60), 0)).toEqual({
      action: 'resolve',
      notify: true,
    });
    expect(nextStep({ state: 'pending', startedAt: t0 }, false, at(60), 300)).toEqual({
      action: 'resolve',
      notify: false,
    });
  });
});
