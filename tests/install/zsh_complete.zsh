#!/usr/bin/env zsh
# zsh_complete.zsh DIR LINE...: for each LINE, the matches zsh's completion system
# offers at its end, with the completion functions of DIR first in $fpath. Prints
# "== LINE" and then one match per line, sorted.
#
# Completion runs only inside the line editor, so an interactive zsh runs on a
# pseudo-terminal (zpty) and is typed each line and a Tab; compadd is wrapped to
# write the words it is given that match what was typed to a file, and Tab is bound
# to a widget that completes and then writes a marker there.
emulate -L zsh
zmodload zsh/zpty || exit 2
local dir=$1
shift
local out=$(mktemp) line junk i done_count=0
zpty shell zsh -f -i
zpty -w shell "PROMPT=; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w shell "zstyle ':completion:*' insert-tab false"
zpty -w shell "_tab() { zle complete-word; print -r -- '<done>' >>${(q)out}; }"
zpty -w shell "zle -N _tab; bindkey '^I' _tab"
# -O, -A and -D are the completion system asking compadd for a list, not adding matches.
zpty -w shell "compadd() { if (( \${@[(I)-[OAD]]} )); then builtin compadd \"\$@\"; return; fi;" \
  "local -a m; builtin compadd -O m \"\$@\"; print -rl -- \$m >>${(q)out};" \
  "builtin compadd \"\$@\"; }"
for line in "$@"; do
  print -r -- "== $line" >>$out
  # ^U clears what the previous completion left on the line.
  zpty -w -n shell $'\C-u'"$line"$'\t'
  (( done_count++ ))
  for i in {1..200}; do
    (( $(grep -c '^<done>$' $out) >= done_count )) && break
    zpty -r -t shell junk 2>/dev/null
    sleep 0.05
  done
  (( i < 200 )) || print -r -- "<timeout>" >>$out
done
zpty -d shell
# Each line's matches sorted and once, without the markers.
awk '/^== / { if (n) flush(); print; next } /^<done>$/ { next } { words[$0] = 1; n++ }
     function flush(   w) { for (w in words) print w | "sort"; close("sort"); delete words; n = 0 }
     END { if (n) flush() }' $out
rm -f $out
