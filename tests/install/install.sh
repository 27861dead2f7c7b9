# `cmake --install` into a temporary prefix, then what was installed, at work: the
# binary (--version, --help, an import of sample-reports/, summary and explain), a man
# page per command that man renders without a warning and that shows every option of
# the command's --help, and the bash and zsh completions, which must offer every
# command, every option of every --help and the values the help texts list.
# Usage: install.sh CMAKE BUILD_DIR SOURCE_DIR VERSION
CMAKE=$1
BUILD=$2
VERSION=$4
source "$3/tests/e2e/common.sh" "" "$3"
prefix=$WORK/prefix
DMARCQ=$prefix/bin/dmarcq
man1=$prefix/share/man/man1
bash_completion=$prefix/share/bash-completion/completions/dmarcq
zsh_completions=$prefix/share/zsh/vendor-completions

expect_rc 0 "$CMAKE" --install "$BUILD" --prefix "$prefix"
for file in "$DMARCQ" "$man1/dmarcq.1.gz" "$bash_completion" "$zsh_completions/_dmarcq"; do
  checks=$((checks + 1))
  [ -f "$file" ] || fail "not installed: ${file#"$prefix/"}"
done
[ -x "$DMARCQ" ] || { fail "no installed binary to run"; finish; exit; }

# The installed binary runs on its own: nothing it needs is left in the build tree.
expect_rc 0 "$DMARCQ" --version
expect_grep "^dmarcq $VERSION\$" "$WORK/out"
expect_rc 0 "$DMARCQ" --help
expect_grep "^commands:" "$WORK/out"
mapfile -t commands < <(awk '/^commands:/ { on = 1; next } on && !NF { exit } on { print $1 }' \
  "$WORK/out")
for command in import summary explain digest senders rejects sql rebuild; do
  checks=$((checks + 1))
  [[ " ${commands[*]} " == *" $command "* ]] || fail "no '$command' in the commands of --help"
done
# Exit 2: sample-reports/ holds one broken report on purpose.
expect_rc 2 "$DMARCQ" --db "$WORK/samples.db" import "$SRC/sample-reports"
expect_grep "[1-9][0-9]* reports imported" "$WORK/err"
expect_rc 0 "$DMARCQ" --db "$WORK/samples.db" summary --format csv
expect_grep "^example\.com,[1-9]" "$WORK/out"
expect_rc 0 "$DMARCQ" --db "$WORK/samples.db" explain --lang en --format csv
expect_grep "^example\.co\.jp,sender,salesforce,Salesforce,dkim_not_activated,fail," "$WORK/out"
expect_rc 0 "$DMARCQ" --db "$WORK/samples.db" explain --lang ja
expect_grep "Salesforce" "$WORK/out"

# help_options COMMAND...: the long options that `dmarcq COMMAND... --help` lists, in
# Boost.Program_options' layout ("  -j [ --jobs ] arg") or the main help's ("  --db PATH").
help_options() {
  "$DMARCQ" "$@" --help | sed -nE 's/^  (-[a-zA-Z](, | \[ ))?(--[a-z0-9][a-z0-9-]*).*/\3/p'
}

# The formats a command takes: digest writes csv and json, every other table or csv
# or json.
formats_of() {
  if [ "$1" = digest ]; then echo csv json; else echo table csv json; fi
}

# Man pages: dmarcq(1) and dmarcq-COMMAND(1), rendered (no hyphenation, so that every
# option is whole), each with every option of its --help and its SEE ALSO.
for command in "" "${commands[@]}"; do
  page=dmarcq${command:+-$command}
  file=$man1/$page.1.gz
  checks=$((checks + 1))
  [ -f "$file" ] || { fail "no man page $page(1)"; continue; }
  expect_rc 0 env LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings --no-hyphenation -l "$file"
  checks=$((checks + 1))
  [ -s "$WORK/err" ] && { fail "man warns on $page(1):"; head -5 "$WORK/err" >&2; }
  cp "$WORK/out" "$WORK/page"
  expect_grep "^NAME" "$WORK/page"
  expect_grep "^ *$page - [[:alpha:]]" "$WORK/page"
  expect_grep "^SEE ALSO" "$WORK/page"
  if [ -z "$command" ]; then
    for other in "${commands[@]}"; do expect_grep "dmarcq-$other(1)" "$WORK/page"; done
  else
    expect_grep "dmarcq(1)" "$WORK/page"
  fi
  mapfile -t options < <(help_options $command)
  checks=$((checks + 1))
  [ ${#options[@]} -gt 0 ] || fail "no options read from 'dmarcq $command --help'"
  for option in "${options[@]}"; do
    checks=$((checks + 1))
    grep -qe "$option\\b" "$WORK/page" || fail "$page(1) does not show $option"
  done
done

# Bash: the completion registers, and offers what the help texts say.
expect_rc 0 bash -c 'source "$1" && complete -p dmarcq' _ "$bash_completion"
expect_grep "^complete -F _dmarcq dmarcq\$" "$WORK/out"

# bash_complete WORD...: what the completion offers for the last WORD, one per line.
bash_complete() {
  bash -c 'source "$1"
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    _dmarcq dmarcq "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_completion" "$@" 2>&1
}
# expect_offers WHAT OFFERED_FILE WORD...: each WORD is among the lines of the file.
expect_offers() {
  local what=$1 file=$2 word
  shift 2
  for word in "$@"; do
    checks=$((checks + 1))
    grep -qxF -- "$word" "$file" ||
      fail "$what does not offer '$word' (offers: $(tr '\n' ' ' <"$file"))"
  done
}

bash_complete dmarcq "" >"$WORK/offers"
expect_offers "bash: dmarcq" "$WORK/offers" "${commands[@]}"
bash_complete dmarcq - >"$WORK/offers"
expect_offers "bash: dmarcq -" "$WORK/offers" $(help_options)
bash_complete dmarcq --db "$WORK/samples.db" su >"$WORK/offers"
expect_offers "bash: dmarcq --db FILE su" "$WORK/offers" summary
for command in "${commands[@]}"; do
  bash_complete dmarcq "$command" -- >"$WORK/offers"
  expect_offers "bash: dmarcq $command --" "$WORK/offers" $(help_options "$command")
  if help_options "$command" | grep -qx -- --format; then
    bash_complete dmarcq "$command" --format "" >"$WORK/offers"
    expect_offers "bash: dmarcq $command --format" "$WORK/offers" $(formats_of "$command")
  fi
  if help_options "$command" | grep -qx -- --lang; then
    bash_complete dmarcq "$command" --lang "" >"$WORK/offers"
    expect_offers "bash: dmarcq $command --lang" "$WORK/offers" en ja
  fi
done
bash_complete dmarcq summary --by "" >"$WORK/offers"
expect_offers "bash: summary --by" "$WORK/offers" domain sender reporter source day week
bash_complete dmarcq summary --by domain,s >"$WORK/offers"
expect_offers "bash: summary --by domain,s" "$WORK/offers" domain,sender domain,source
bash_complete dmarcq summary --format = j >"$WORK/offers"
expect_offers "bash: summary --format=j" "$WORK/offers" json
bash_complete dmarcq import "$SRC/sample-rep" >"$WORK/offers"
expect_offers "bash: import PATH" "$WORK/offers" "$SRC/sample-reports"

# Zsh: compinit finds the completion in vendor-completions, and it offers the same.
expect_rc 0 zsh -f -c \
  'fpath=($1 $fpath); autoload -Uz compinit; compinit -u -D; print -r -- $_comps[dmarcq]' \
  _ "$zsh_completions"
expect_grep "^_dmarcq\$" "$WORK/out"
lines=("dmarcq " "dmarcq -" "dmarcq --db x.db su" "dmarcq summary --by domain,s"
       "dmarcq import $SRC/sample-rep")
for command in "${commands[@]}"; do
  lines+=("dmarcq $command --")
  help_options "$command" | grep -qx -- --format && lines+=("dmarcq $command --format ")
  help_options "$command" | grep -qx -- --lang && lines+=("dmarcq $command --lang=")
done
lines+=("dmarcq summary --by ")
expect_rc 0 zsh "$SRC/tests/install/zsh_complete.zsh" "$zsh_completions" "${lines[@]}"
cp "$WORK/out" "$WORK/zsh"
# zsh_offers LINE: what zsh offered at the end of LINE, into $WORK/offers.
zsh_offers() {
  awk -v want="== $1" '$0 == want { on = 1; next } /^== / { on = 0 } on' "$WORK/zsh" >"$WORK/offers"
}
zsh_offers "dmarcq "
expect_offers "zsh: dmarcq" "$WORK/offers" "${commands[@]}"
zsh_offers "dmarcq -"
expect_offers "zsh: dmarcq -" "$WORK/offers" $(help_options)
zsh_offers "dmarcq --db x.db su"
expect_offers "zsh: dmarcq --db FILE su" "$WORK/offers" summary
zsh_offers "dmarcq summary --by domain,s"
expect_offers "zsh: summary --by domain,s" "$WORK/offers" sender source
zsh_offers "dmarcq summary --by "
expect_offers "zsh: summary --by" "$WORK/offers" domain sender reporter source day week
zsh_offers "dmarcq import $SRC/sample-rep"
expect_offers "zsh: import PATH" "$WORK/offers" sample-reports
for command in "${commands[@]}"; do
  zsh_offers "dmarcq $command --"
  expect_offers "zsh: dmarcq $command --" "$WORK/offers" $(help_options "$command")
  if help_options "$command" | grep -qx -- --format; then
    zsh_offers "dmarcq $command --format "
    expect_offers "zsh: dmarcq $command --format" "$WORK/offers" $(formats_of "$command")
  fi
  if help_options "$command" | grep -qx -- --lang; then
    zsh_offers "dmarcq $command --lang="
    expect_offers "zsh: dmarcq $command --lang=" "$WORK/offers" en ja
  fi
done
checks=$((checks + 1))
grep -q "<timeout>" "$WORK/zsh" &&
  fail "zsh completion timed out: $(grep -B1 '<timeout>' "$WORK/zsh" | head -1)"

finish
