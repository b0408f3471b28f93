// The player's clock: which step is on, how far into it, the "get ready" before it runs, and
// what happens as time goes by. It touches no page, sound or network: static/js/player.js asks
// it to move on and draws, speaks and saves what it says happened, so the timing can be tested
// on its own (tests/browser/test_player_timer.py).
//
// Phases: ready (not started) → countdown (the "get ready" before a step runs) → running ⇄
// paused → done (the massage is ending) or gone (it moved on elsewhere). `advance(seconds)` and
// the moves return what happened, in order, as events:
//   {type: "get-ready", n}         the "get ready" began, showing n (whole seconds)
//   {type: "digit", n}             the "get ready" shows n (2, then 1)
//   {type: "go", index}            the "get ready" is over: the step's time runs
//   {type: "count", n, index}      "3, 2, 1": n seconds left of a step going on by itself
//   {type: "step", index, from, how}  another step is on (how: auto, next, previous, skip, area)
//   {type: "time-up", index}       the step's time is up with hands-free off: it waits
//   {type: "finished"}             past the last step: the phase is done
//   {type: "paused"}, {type: "resumed"}
// Time is kept in whole milliseconds, so ticks add up exactly (25 ticks of 0.2 s are 5 s), and
// the time a "get ready" or a step did not need goes on to what comes next.

export const GET_READY_SECONDS = 3;
const COUNT_FROM = 3;

// Time left as the player shows it, "m:ss", rounded up: 3.5 s left is 0:04, and 0:00 only at the end.
export function clock(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return minutes + ":" + (rest < 10 ? "0" : "") + rest;
}

function toMs(seconds) {
  return Math.round((Number(seconds) || 0) * 1000);
}

// steps: [{id, seconds, areaKey}]; the rest is where a massage resumes: index, elapsed (seconds
// on that step), extra (step id -> seconds added), visits (step id -> [seconds, skipped]).
// settings: {handsFree, countdown}; maxExtra: the most seconds a step may be given on top.
export function createTimer(options) {
  const steps = options.steps;
  const maxExtra = options.maxExtra === undefined ? Infinity : options.maxExtra;
  const getReadyMs = toMs(options.getReady === undefined ? GET_READY_SECONDS : options.getReady);
  const settings = { handsFree: true, countdown: true };
  const extra = Object.assign({}, options.extra || {});
  const visits = {}; // step id -> [milliseconds, skipped]
  Object.keys(options.visits || {}).forEach((key) => {
    const [seconds, skipped] = options.visits[key];
    visits[key] = [toMs(seconds), Boolean(skipped)];
  });
  let index = Math.min(steps.length - 1, Math.max(0, options.index || 0));
  let elapsed = Math.max(0, toMs(options.elapsed));
  let phase = "ready";
  let readyLeft = 0; // of the "get ready", in milliseconds
  let timeUp = false; // the step's time ran out while hands-free was off (said once)

  configure(options.settings || {});

  function configure(changes) {
    ["handsFree", "countdown"].forEach((name) => {
      if (name in changes) settings[name] = Boolean(changes[name]);
    });
  }

  function stepMs(step) {
    return toMs(step.seconds + (extra[step.id] || 0));
  }

  function visit(step) {
    const key = String(step.id);
    if (!visits[key]) visits[key] = [0, false];
    return visits[key];
  }

  function stopped() {
    return phase === "done" || phase === "gone";
  }

  function digit() {
    return Math.max(1, Math.ceil(readyLeft / 1000));
  }

  function start() {
    phase = "countdown";
    readyLeft = getReadyMs;
    return [{ type: "get-ready", n: digit() }];
  }

  function pause() {
    if (phase !== "running" && phase !== "countdown") return [];
    phase = "paused";
    return [{ type: "paused" }];
  }

  function resume() {
    if (phase !== "paused") return [];
    phase = "running";
    return [{ type: "resumed" }];
  }

  // The big button: start, pause or resume. While the "get ready" counts it does nothing.
  function toggle() {
    if (phase === "ready") return start();
    if (phase === "running") return pause();
    return resume();
  }

  function goTo(target, how) {
    if (stopped()) return [];
    const from = index;
    if (how === "skip") visit(steps[index])[1] = true;
    timeUp = false;
    if (target >= steps.length) {
      phase = "done";
      return [{ type: "finished" }];
    }
    index = Math.max(0, target);
    elapsed = 0;
    return [{ type: "step", index, from, how }];
  }

  // Skip every step left of this body area, then a short "get ready" on the next area.
  function skipArea() {
    if (stopped()) return [];
    const area = steps[index].areaKey;
    let target = index;
    while (target < steps.length && steps[target].areaKey === area) {
      visit(steps[target])[1] = true;
      target += 1;
    }
    const events = goTo(target, "area");
    return phase === "done" ? events : events.concat(start());
  }

  // "+15 s": more time on the step that is on, up to maxExtra in all.
  function extend(seconds) {
    const step = steps[index];
    extra[step.id] = Math.min(maxExtra, (extra[step.id] || 0) + seconds);
    visit(step);
    timeUp = false;
    return extra[step.id];
  }

  function stop(how) {
    phase = how === "gone" ? "gone" : "done";
  }

  // `ms` of running time on the step that is on; what it does not need goes on to the next.
  function run(ms, events) {
    const step = steps[index];
    const total = stepMs(step);
    const used = Math.max(0, Math.min(ms, total - elapsed));
    if (used > 0) {
      if (settings.handsFree && settings.countdown) {
        const before = total - elapsed;
        const after = before - used;
        for (let n = COUNT_FROM; n >= 1; n -= 1) {
          if (before > n * 1000 && after <= n * 1000) events.push({ type: "count", n, index });
        }
      }
      elapsed += used;
      visit(step)[0] += used;
      visit(step)[1] = false; // a step skipped, gone back to and done counts as done
    }
    if (elapsed < total) return;
    elapsed = total;
    if (settings.handsFree) {
      events.push(...goTo(index + 1, "auto"));
      if (phase === "running" && ms - used > 0) run(ms - used, events);
      return;
    }
    if (!timeUp) {
      timeUp = true;
      events.push({ type: "time-up", index });
    }
  }

  function advance(seconds) {
    const events = [];
    let ms = Math.max(0, toMs(seconds));
    if (phase === "countdown") {
      const shown = digit();
      readyLeft -= ms;
      if (readyLeft > 0) {
        if (digit() !== shown) events.push({ type: "digit", n: digit() });
        return events;
      }
      ms = -readyLeft;
      readyLeft = 0;
      phase = "running";
      events.push({ type: "go", index });
    }
    if (phase === "running") run(ms, events);
    return events;
  }

  function durationOf(step) {
    return stepMs(step) / 1000;
  }

  return {
    get phase() { return phase; },
    get index() { return index; },
    get step() { return steps[index]; },
    get steps() { return steps; },
    get elapsed() { return elapsed / 1000; },
    get remaining() { return Math.max(0, stepMs(steps[index]) - elapsed) / 1000; },
    get readyDigit() { return phase === "countdown" ? digit() : null; },
    get timeUp() { return timeUp; },
    get settings() { return Object.assign({}, settings); },
    get extra() { return Object.assign({}, extra); },
    // step id -> [seconds, skipped], as saved and as given to createTimer
    get visits() {
      const out = {};
      Object.keys(visits).forEach((key) => { out[key] = [visits[key][0] / 1000, visits[key][1]]; });
      return out;
    },
    duration(step) { return durationOf(step || steps[index]); },
    stopped,
    configure,
    start,
    pause,
    resume,
    toggle,
    goTo,
    next() { return goTo(index + 1, "next"); },
    previous() { return goTo(index - 1, "previous"); },
    skip() { return goTo(index + 1, "skip"); },
    skipArea,
    extend,
    stop,
    advance,
  };
}
