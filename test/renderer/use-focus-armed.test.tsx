import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ARM_DELAY_MS, useFocusArmed } from '../../renderer/views/approval/use-focus-armed.js';

beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => void vi.useRealTimers());

const advance = (ms: number) => act(() => void vi.advanceTimersByTime(ms));
const focus = () => act(() => void window.dispatchEvent(new FocusEvent('focus')));
const blur = () => act(() => void window.dispatchEvent(new FocusEvent('blur')));

/** Not armed a millisecond before the second is up; armed when it is. */
async function expectArmsAfterExactlyOneSecond(result: { current: boolean }) {
  await advance(ARM_DELAY_MS - 1);
  expect(result.current).toBe(false);
  await advance(1);
  expect(result.current).toBe(true);
}

function mount(focused: boolean) {
  vi.spyOn(document, 'hasFocus').mockReturnValue(focused);
  return renderHook(() => useFocusArmed());
}

describe('useFocusArmed: one continuous second of window focus', () => {
  test('the delay is one second', () => {
    expect(ARM_DELAY_MS).toBe(1000);
  });

  test('focused at mount: arms one second later, not before', async () => {
    const { result } = mount(true);
    expect(result.current).toBe(false);
    await expectArmsAfterExactlyOneSecond(result);
  });

  test('not focused at mount: never arms until a focus event, then one second after it', async () => {
    const { result } = mount(false);
    await advance(60_000);
    expect(result.current).toBe(false);
    await focus();
    await expectArmsAfterExactlyOneSecond(result);
  });

  test('a blur disarms at once; the next focus waits the whole second again', async () => {
    const { result } = mount(true);
    await advance(1000);
    expect(result.current).toBe(true);
    await blur();
    expect(result.current).toBe(false);
    await focus();
    await expectArmsAfterExactlyOneSecond(result);
  });

  test('a blur before the second is up cancels it: focus, 0.9 s, blur, focus, 0.9 s is not armed', async () => {
    const { result } = mount(false);
    await focus();
    await advance(900);
    await blur();
    await advance(500);
    expect(result.current).toBe(false);
    await focus();
    await advance(900);
    expect(result.current).toBe(false);
    await advance(100);
    expect(result.current).toBe(true);
  });

  test('a second focus event while waiting restarts the wait rather than stacking timers', async () => {
    const { result } = mount(true);
    await advance(500);
    await focus();
    await advance(500);
    expect(result.current).toBe(false);
    await advance(500);
    expect(result.current).toBe(true);
  });

  test('unmounting stops listening and clears the timer', async () => {
    const { unmount } = mount(true);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
