// The baby-led rules of cues/rules.py, run in the browser so a tap is answered within a frame,
// even offline. `config` is cues.rules.player_config(), sent with the page: the same numbers
// and words as the server's. tests/browser/test_cue_rules_parity.py runs both on one table.
//
// One subtle unsettled cue: slow down. A potent one, or two unsettled ones within the window:
// pause. A happy cue: a warm word, taking turns through the acknowledgements.

// The prompt for a cue of `kind` logged `seconds` into the session; `earlier` holds the
// session's other standing cues as [kind, seconds into the session].
export function respond(config, kind, seconds, earlier) {
  const info = config.cues[kind];
  const engaging = (cue) => config.cues[cue[0]].engaging;
  if (info.engaging) {
    const happy = earlier.filter(engaging).length;
    const words = config.acknowledgements;
    return { level: "acknowledge", message: words[happy % words.length] };
  }
  if (info.potent) return { level: "pause", message: config.messages.pause };
  const recent = earlier.filter(
    (cue) => !engaging(cue) && cue[1] >= seconds - config.window && cue[1] <= seconds,
  ).length;
  if (recent + 1 >= config.cluster) return { level: "pause", message: config.messages.pause };
  return { level: "slow_down", message: config.messages.slow_down };
}
