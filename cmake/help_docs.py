#!/usr/bin/env python3
"""Writes dmarcq's man pages and shell completions from the --help texts of a built dmarcq.

    help_docs.py DMARCQ OUT_DIR [--help2man PATH]

OUT_DIR/man/ gets dmarcq.1.gz and dmarcq-COMMAND.1.gz for every command listed in
the "commands:" section of 'dmarcq --help' (help2man, from that text and from
'dmarcq COMMAND --help'); OUT_DIR/completions/ gets the bash completion (dmarcq) and
the zsh one (_dmarcq). Everything is read from the binary at build time, so the pages
and completions cannot drift from the help texts: a new command, option or value list
shows up in them with the next build.

What the help texts say, and what is taken from them:
  - an option line in Boost.Program_options' layout ("  -j [ --jobs ] arg (=2)  ...")
    or the main help's ("  --db PATH  ..."); an option with "arg" or a metavariable
    takes a value;
  - the values of an option, from "--NAME a|b|c" anywhere in the command's help or
    its line under "commands:" (the --by keys are only listed there);
  - a value that names a file or directory ("FILE", "PATH", "DIR", or "file",
    "path", "directory" in an option without a default) completes file names; a
    description that says "comma" makes the values a comma-separated list;
  - a command's operand (its metavariable under "commands:", "import PATH...")
    completes file names when it is a PATH, FILE or DIR.
"""

import gzip
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

OPTION_LINE = re.compile(
    r"^ {2}(?:-(?P<short>\w)(?:, | \[ ))?--(?P<long>[a-z0-9][\w-]*)(?: \])?"
    r"(?: (?P<arg>arg|[A-Z][A-Z_-]*))?(?: \(=(?P<default>[^)]*)\))?(?: {2,}(?P<desc>\S.*))?$"
)
COMMAND_LINE = re.compile(
    r"^ {2}(?P<name>[a-z][\w-]*)(?: (?P<operand>[A-Z][A-Z_]*)(?P<many>\.\.\.)?)?"
    r" {2,}(?P<desc>\S.*)$"
)
VALUE_LIST = re.compile(r"--(?P<long>[a-z0-9][\w-]*) (?P<values>[\w-]+(?:\|[\w-]+)+)")
FILE_WORDS = re.compile(r"\b(?:file|FILE|path|PATH)s?\b")
DIR_WORDS = re.compile(r"\b(?:directory|DIR)\b")


@dataclass
class Option:
    long: str
    short: str | None
    metavar: str | None  # "arg" in Boost's layout
    default: str | None
    desc: str
    values: list[str] = field(default_factory=list)
    comma_list: bool = False
    kind: str = "none"  # of its value: none, words, files, dirs

    @property
    def takes_value(self):
        return self.metavar is not None


@dataclass
class Command:
    name: str
    desc: str
    operand: str | None
    many: bool
    line: str  # under "commands:" in the main help
    help_text: str = ""
    options: list[Option] = field(default_factory=list)


def run_help(dmarcq, *args):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    result = subprocess.run([dmarcq, *args], capture_output=True, encoding="utf-8", env=env)
    if result.returncode != 0 or not result.stdout.strip():
        sys.exit(f"help_docs: '{' '.join(['dmarcq', *args])}' failed (exit {result.returncode}): "
                 f"{result.stderr.strip()}")
    return result.stdout


def parse_options(text):
    options = []
    last = None
    for line in text.splitlines():
        match = OPTION_LINE.match(line)
        if match:
            last = Option(long=match["long"], short=match["short"], metavar=match["arg"],
                          default=match["default"], desc=match["desc"] or "")
            options.append(last)
        elif last and line.startswith("    ") and line.strip():
            last.desc = " ".join(f"{last.desc} {line}".split())
        else:
            last = None
    return options


def classify(option, value_text):
    if not option.takes_value:
        return
    for match in VALUE_LIST.finditer(value_text):
        if match["long"] == option.long:
            for value in match["values"].split("|"):
                if value not in option.values:
                    option.values.append(value)
    if option.values:
        option.kind = "words"
        option.comma_list = "comma" in option.desc
    elif option.metavar == "DIR" or (option.default is None and DIR_WORDS.search(option.desc)):
        option.kind = "dirs"
    elif option.metavar in ("FILE", "PATH") or (option.default is None and
                                                FILE_WORDS.search(option.desc)):
        option.kind = "files"


def parse_main_help(text):
    commands = []
    section = None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            section = line.rstrip(":") if line.endswith(":") else None
            continue
        match = COMMAND_LINE.match(line)
        if section == "commands" and match:
            commands.append(Command(name=match["name"], desc=match["desc"].strip(),
                                    operand=match["operand"], many=bool(match["many"]),
                                    line=line))
    if not commands:
        sys.exit("help_docs: no commands under 'commands:' in 'dmarcq --help'")
    return commands


def operand_kind(command):
    return {"PATH": "files", "FILE": "files", "DIR": "dirs"}.get(command.operand, "none")


# help2man reads GNU layout: a capital "Usage:" and further forms as "  or: ...".
# dmarcq's usage wraps with an indented "[" and gives a second form indented, so
# both are put in that layout; nothing else of the text changes.
def for_help2man(text):
    lines = text.splitlines()
    if not lines or not lines[0].startswith("usage: "):
        return text
    usage = ["Usage: " + lines[0][len("usage: "):]]
    rest = 1
    while rest < len(lines) and lines[rest].startswith(" ") and lines[rest].strip():
        line = lines[rest].strip()
        if line.startswith("["):
            usage[-1] += " " + line
        else:
            usage.append("  or: " + line)
        rest += 1
    return "\n".join(usage + lines[rest:]) + "\n"


def write_gzip(path, text):
    # mtime 0 and no file name: the same text gives the same bytes (Debian's gzip -9n).
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as out:
            out.write(text.encode())


def man_page(help2man, page, name_line, help_text, version, see_also, work):
    text_file = os.path.join(work, page + ".txt")
    with open(text_file, "w", encoding="utf-8") as out:
        out.write(for_help2man(help_text))
    include = os.path.join(work, page + ".h2m")
    with open(include, "w", encoding="utf-8") as out:
        # \- rather than -: groff breaks lines after a hyphen, not after a minus.
        refs = [ref.replace("-", "\\-") for ref in see_also]
        out.write("[SEE ALSO]\n" + ",\n".join(f".BR {ref} (1)" for ref in refs) + "\n")
    # help2man runs "PROGRAM HELP-OPTION" through the shell: 'cat FILE' hands it the
    # text read from the binary above.
    result = subprocess.run(
        [help2man, "--no-info", "--section=1", "--locale=C.UTF-8", f"--name={name_line}",
         f"--version-string={page} {version}", f"--source=dmarcq {version}",
         f"--include={include}", f"--help-option={shlex.quote(text_file)}", "cat"],
        capture_output=True, encoding="utf-8")
    if result.returncode != 0:
        sys.exit(f"help_docs: help2man failed for {page}: {result.stderr.strip()}")
    return result.stdout


def write_man_pages(help2man, main_help, commands, version, out_dir):
    man_dir = os.path.join(out_dir, "man")
    os.makedirs(man_dir, exist_ok=True)
    # A command that is gone must not leave its page behind to be installed.
    for old in os.listdir(man_dir):
        if old.endswith(".1.gz"):
            os.remove(os.path.join(man_dir, old))
    pages = [f"dmarcq-{command.name}" for command in commands]
    # The paragraph after the usage, "DMARC aggregate report analyzer.", names the program.
    paragraphs = re.split(r"\n\s*\n", main_help.strip())
    description = paragraphs[1].splitlines()[0].strip().rstrip(".") if len(paragraphs) > 1 else ""
    with tempfile.TemporaryDirectory() as work:
        write_gzip(os.path.join(man_dir, "dmarcq.1.gz"),
                   man_page(help2man, "dmarcq", description, main_help, version, pages, work))
        for command, page in zip(commands, pages):
            write_gzip(os.path.join(man_dir, page + ".1.gz"),
                       man_page(help2man, page, command.desc, command.help_text, version,
                                ["dmarcq"] + [p for p in pages if p != page], work))


def bash_wrap(indent, words, tail=""):
    """The words on lines of at most 90 columns, joined by backslash-newlines."""
    lines = [indent]
    for word in words:
        if len(lines[-1]) + len(word) + 1 > 90 and lines[-1].strip():
            lines[-1] += " \\"
            lines.append(indent + "  ")
        lines[-1] += ("" if not lines[-1].strip() else " ") + word
    return "\n".join(lines) + tail


def bash_patterns(indent, patterns):
    """A case arm's patterns, "a | b | c)"."""
    words = [pattern + " |" for pattern in patterns[:-1]] + [patterns[-1] + ")"]
    return bash_wrap(indent, words)


def option_names(options):
    names = []
    for option in options:
        names += ([f"-{option.short}"] if option.short else []) + [f"--{option.long}"]
    return names


BASH_HEAD = """\
# bash completion for dmarcq. Generated at build time from the --help texts of the
# dmarcq it came with (cmake/help_docs.py): edit those texts, not this file.

# _dmarcq_reply WORD CANDIDATE...: the candidates that start with WORD.
_dmarcq_reply() {
  local cur=$1
  shift
  mapfile -t COMPREPLY < <(compgen -W "$*" -- "$cur")
}

# _dmarcq_list WORD CANDIDATE...: the next item of a comma-separated list.
_dmarcq_list() {
  local cur=$1 prefix=
  shift
  [[ $cur == *,* ]] && prefix=${cur%,*},
  mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$*" -- "${cur##*,}")
  compopt -o nospace 2>/dev/null
}

# _dmarcq_files WORD [-d]: file names (directory names with -d).
_dmarcq_files() {
  compopt -o filenames 2>/dev/null
  mapfile -t COMPREPLY < <(compgen "${2:--f}" -- "$1")
}

_dmarcq() {
  COMPREPLY=()
  local cur=${COMP_WORDS[COMP_CWORD]} prev=
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  # With '=' in COMP_WORDBREAKS, "--format=js" comes as "--format" "=" "js".
  if [[ $cur == = ]]; then
    cur=
  elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi

  # The command is the first word that is neither an option nor a global option's value.
  local i word command=
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in"""


def bash_completion(global_options, commands):
    out = [BASH_HEAD]
    global_with_value = [f"--{o.long}" for o in global_options if o.takes_value]
    if global_with_value:
        out.append(bash_patterns("      ", global_with_value))
        out.append("        [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))")
        out.append("        ((i++))")
        out.append("        ;;")
    out.append("      -*) ;;")
    out.append("      *)")
    out.append("        command=$word")
    out.append("        break")
    out.append("        ;;")
    out.append("    esac")
    out.append("  done")
    out.append("")

    # An option's value, by the case pattern "COMMAND:OPTION" ("" for the global ones).
    out.append('  case "$command:$prev" in')
    by_kind = {"files": [], "dirs": [], "none": []}
    for command_name, options in [("", global_options)] + [(c.name, c.options) for c in commands]:
        for option in options:
            if not option.takes_value:
                continue
            patterns = [f'"{command_name}:{name}"' for name in option_names([option])]
            if option.kind == "words":
                helper = "_dmarcq_list" if option.comma_list else "_dmarcq_reply"
                out.append(bash_patterns("    ", patterns))
                out.append(bash_wrap("      ", [helper, '"$cur"'] + option.values))
                out.append("      return")
                out.append("      ;;")
            else:
                by_kind[option.kind] += patterns
    for kind, call in [("files", '_dmarcq_files "$cur"'), ("dirs", '_dmarcq_files "$cur" -d'),
                       ("none", None)]:
        if not by_kind[kind]:
            continue
        if kind == "none":
            out.append("    # A value dmarcq cannot list (a number, a date, a domain...).")
        out.append(bash_patterns("    ", by_kind[kind]))
        if call:
            out.append(f"      {call}")
        out.append("      return")
        out.append("      ;;")
    out.append("  esac")
    out.append("")

    # Otherwise the command, an option, or the command's operand.
    out.append("  case $command in")
    out.append('    "")')
    out.append("      if [[ $cur == -* ]]; then")
    out.append(bash_wrap("        ", ["_dmarcq_reply", '"$cur"'] + option_names(global_options)))
    out.append("      else")
    out.append(bash_wrap("        ", ["_dmarcq_reply", '"$cur"'] + [c.name for c in commands]))
    out.append("      fi")
    out.append("      ;;")
    for command in commands:
        out.append(f"    {command.name})")
        out.append("      if [[ $cur == -* ]]; then")
        out.append(bash_wrap("        ",
                             ["_dmarcq_reply", '"$cur"'] + option_names(command.options)))
        kind = operand_kind(command)
        if kind != "none":
            out.append("      else")
            out.append(f'        _dmarcq_files "$cur"{" -d" if kind == "dirs" else ""}')
        out.append("      fi")
        out.append("      ;;")
    out.append("  esac")
    out.append("  return 0")
    out.append("}")
    out.append("complete -F _dmarcq dmarcq")
    return "\n".join(out) + "\n"


def zsh_quote(text):
    return text.replace("'", "'\\''")


def zsh_text(text):
    # In an _arguments spec brackets and colons are the spec's own syntax.
    return zsh_quote(re.sub(r"([\[\]:\\])", r"\\\1", text))


def zsh_action(option):
    if option.kind == "words" and option.comma_list:
        return f"_sequence compadd - {' '.join(option.values)}"
    if option.kind == "words":
        return f"({' '.join(option.values)})"
    return {"files": "_files", "dirs": "_files -/"}.get(option.kind, " ")


def zsh_specs(options):
    specs = []
    for option in options:
        desc = zsh_text(option.desc)
        long = f"--{option.long}" + ("=" if option.takes_value else "")
        value = ""
        if option.takes_value:
            message = option.long if option.metavar == "arg" else option.metavar.lower()
            value = f":{message}:{zsh_action(option)}"
        if option.short:
            short = f"-{option.short}" + ("+" if option.takes_value else "")
            exclusive = f"(-{option.short} --{option.long})"
            specs.append(f"'{exclusive}'{{{short},{long}}}'[{desc}]{value}'")
        else:
            specs.append(f"'{long}[{desc}]{value}'")
    return specs


def zsh_completion(global_options, commands):
    out = ["""\
#compdef dmarcq
# zsh completion for dmarcq. Generated at build time from the --help texts of the
# dmarcq it came with (cmake/help_docs.py): edit those texts, not this file.

_dmarcq() {
  local curcontext=$curcontext state state_descr line ret=1
  typeset -A opt_args
  _arguments -C \\"""]
    for spec in zsh_specs(global_options):
        out.append(f"    {spec} \\")
    out.append("""\
    '1:command:->command' \\
    '*::argument:->argument' && ret=0
  case $state in
    command)
      local -a commands=(""")
    for command in commands:
        # _describe splits at the first colon: the description's own need no escape.
        out.append(f"        '{command.name}:{zsh_quote(command.desc)}'")
    out.append("""\
      )
      _describe -t commands 'dmarcq command' commands && ret=0
      ;;
    argument)
      curcontext=${curcontext%:*:*}:dmarcq-$line[1]:
      case $line[1] in""")
    for command in commands:
        specs = zsh_specs(command.options)
        kind = operand_kind(command)
        if command.operand:
            action = {"files": "_files", "dirs": "_files -/"}.get(kind, " ")
            position = "*" if command.many else "1"
            specs.append(f"'{position}:{command.operand.lower()}:{action}'")
        out.append(f"        {command.name})")
        out.append("          _arguments \\")
        for spec in specs:
            out.append(f"            {spec} \\")
        out.append("            && ret=0 ;;")
    out.append("""\
      esac
      ;;
  esac
  return ret
}

_dmarcq "$@\"""")
    return "\n".join(out) + "\n"


def main():
    args = sys.argv[1:]
    help2man = "help2man"
    if "--help2man" in args:
        at = args.index("--help2man")
        help2man = args[at + 1]
        del args[at:at + 2]
    if len(args) != 2:
        sys.exit("usage: help_docs.py DMARCQ OUT_DIR [--help2man PATH]")
    dmarcq, out_dir = args

    version_line = run_help(dmarcq, "--version").split("\n")[0].split()
    if len(version_line) != 2 or version_line[0] != "dmarcq":
        sys.exit(f"help_docs: unexpected 'dmarcq --version': {' '.join(version_line)}")
    version = version_line[1]
    main_help = run_help(dmarcq, "--help")
    commands = parse_main_help(main_help)
    global_options = parse_options(main_help)
    for option in global_options:
        classify(option, main_help)
    for command in commands:
        command.help_text = run_help(dmarcq, command.name, "--help")
        command.options = parse_options(command.help_text)
        if not command.options:
            sys.exit(f"help_docs: no options found in 'dmarcq {command.name} --help'")
        for option in command.options:
            classify(option, command.help_text + "\n" + command.line)

    write_man_pages(help2man, main_help, commands, version, out_dir)
    completions = os.path.join(out_dir, "completions")
    os.makedirs(completions, exist_ok=True)
    with open(os.path.join(completions, "dmarcq"), "w", encoding="utf-8") as out:
        out.write(bash_completion(global_options, commands))
    with open(os.path.join(completions, "_dmarcq"), "w", encoding="utf-8") as out:
        out.write(zsh_completion(global_options, commands))


if __name__ == "__main__":
    main()
