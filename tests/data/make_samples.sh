#!/bin/sh
# Makes the audio samples the upload tests read. Run once, by hand, from this folder; the tests
# only read the committed files (CI has no encoders). Needs sox, lame, opus-tools, vorbis-tools,
# ffmpeg and the project's .venv (for mutagen).
set -eu
PY=../../.venv/bin/python
FF="ffmpeg -hide_banner -loglevel error -y"
OUT="-fflags +bitexact -map_metadata -1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The sound: 0.4 s of a rising tone.
sox -R -n -r 16000 -c 1 -b 16 "$tmp/src.wav" synth 0.4 sine 300-900 fade 0.02 0.4 0.05 vol 0.5

sox -R -n -r 8000 -c 1 -b 16 tone.wav synth 0.25 sine 300-900 fade 0.02 0.25 0.05 vol 0.5
# Broadcast WAV and LIST/INFO chunks (ffmpeg), then an "id3 " chunk (mutagen).
$FF -i tone.wav -c copy $OUT -write_bext 1 -metadata description="Recorded by Ana Lopez" \
    -metadata artist="Ana Lopez" -metadata comment="12 Secret Street" tone-tagged.wav
$PY -c 'import mutagen.id3 as i, mutagen.wave as w
f = w.WAVE("tone-tagged.wav"); f.add_tags()
f.tags.add(i.TXXX(desc="place", text="12 Secret Street")); f.save()'

# A codec browsers do not play.
sox -R tone.wav -e ima-adpcm adpcm.wav

lame --quiet --noreplaygain -m m -b 32 --resample 32 "$tmp/src.wav" tone.mp3
lame --quiet --noreplaygain -m m -b 16 --resample 16 "$tmp/src.wav" tone-mpeg2.mp3
# ID3v2 and ID3v1 tags; the frames are the same as tone.mp3's.
lame --quiet --noreplaygain -m m -b 32 --resample 32 --add-id3v2 --tt Narration \
    --ta "Ana Lopez" --tc "12 Secret Street" "$tmp/src.wav" tone-tagged.mp3

# opusenc always writes an ENCODER comment: mutagen removes it from the untagged sample.
opusenc --quiet --serial 1 --bitrate 12 "$tmp/src.wav" tone.opus
$PY -c 'import mutagen.oggopus as o; o.OggOpus("tone.opus").delete()'
opusenc --quiet --serial 1 --bitrate 12 --artist "Ana Lopez" \
    --comment "LOCATION=12 Secret Street, Lisbon" "$tmp/src.wav" tone-tagged.opus
oggenc --quiet -s 1 -q -1 -o tone.ogg "$tmp/src.wav"
oggenc --quiet -s 1 -q -1 -a "Ana Lopez" -c "LOCATION=12 Secret Street, Lisbon" \
    -o tone-tagged.ogg "$tmp/src.wav"

AAC="-c:a aac -b:a 16k -flags:a +bitexact $OUT"
$FF -i "$tmp/src.wav" $AAC -f ipod tone.m4a
$FF -i "$tmp/src.wav" $AAC -f mp4 tone.mp4
# ffmpeg always writes an empty iTunes list in user data; the movie box comes last, so the
# user data box can simply be cut off its end.
$PY - tone.m4a tone.mp4 <<'PYTHON'
import struct, sys
for name in sys.argv[1:]:
    data = bytearray(open(name, "rb").read())
    moov = data.rindex(b"moov") - 4
    udta = data.rindex(b"udta") - 4
    assert struct.unpack(">I", data[moov:moov + 4])[0] == len(data) - moov
    del data[udta:]
    data[moov:moov + 4] = struct.pack(">I", len(data) - moov)
    open(name, "wb").write(data)
PYTHON
# iTunes artist, 3GPP location and a track name; the movie box first, so cutting the tags
# moves the audio.
$FF -i "$tmp/src.wav" $AAC -metadata artist="Ana Lopez" -metadata location="+38.7139-009.1394/" \
    -metadata:s:a:0 title="Ana's phone" -movflags +faststart -f mp4 tone-tagged.m4a

# Tiny movies: with sound, without, and in Ogg.
COLOR="-f lavfi -i color=c=0x336699:s=16x16:r=5:d=0.4"
$FF $COLOR -i "$tmp/src.wav" -c:v mpeg4 -flags:v +bitexact $AAC -shortest -f mp4 movie.mp4
$FF $COLOR -c:v mpeg4 -flags:v +bitexact $OUT -f mp4 video.m4a
$FF $COLOR -c:v libtheora -q:v 0 $OUT video.ogg
