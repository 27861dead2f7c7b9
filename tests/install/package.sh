# `cpack -G DEB` into a temporary directory, then the package's control data (its
# Depends name the runtime packages of every library dmarcq links) and its contents
# (the binary, every man page the build made, both completions).
# Usage: package.sh CPACK BUILD_DIR SOURCE_DIR VERSION
CPACK=$1
BUILD=$2
VERSION=$4
source "$3/tests/e2e/common.sh" "" "$3"

expect_rc 0 "$CPACK" -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/package"
deb=$(find "$WORK/package" -maxdepth 1 -name "dmarcq_${VERSION}_*.deb")
checks=$((checks + 1))
if [ ! -f "$deb" ]; then
  fail "no dmarcq_${VERSION}_*.deb made"
  sed 's/^/  /' "$WORK/out" "$WORK/err" >&2
  finish
  exit
fi

expect_rc 0 dpkg-deb --field "$deb" Package Version Section Maintainer Depends Description
cp "$WORK/out" "$WORK/control"
expect_grep "^Package: dmarcq\$" "$WORK/control"
expect_grep "^Version: $VERSION\$" "$WORK/control"
expect_grep "^Section: mail\$" "$WORK/control"
expect_grep "^Maintainer: .* <.*@.*>\$" "$WORK/control"
expect_grep "^Description: DMARC aggregate report analyzer\$" "$WORK/control"
# Debian 12's package names; the versions are what dpkg-shlibdeps found.
sed -n 's/^Depends: //p' "$WORK/control" | tr ',' '\n' |
  sed -E 's/^ *([^ ]+).*/\1/' >"$WORK/depends"
for package in libc6 libstdc++6 libsqlite3-0 libarchive13 libgmime-3.0-0 libpsl5 libpugixml1v5 \
               libssl3 libboost-program-options1.74.0; do
  checks=$((checks + 1))
  grep -qxF "$package" "$WORK/depends" ||
    fail "Depends lacks $package: $(grep '^Depends' "$WORK/control")"
done

expect_rc 0 dpkg-deb --contents "$deb"
awk '{ print $NF }' "$WORK/out" | sed 's|^\./||' >"$WORK/contents"
for file in usr/bin/dmarcq usr/share/bash-completion/completions/dmarcq \
            usr/share/zsh/vendor-completions/_dmarcq; do
  expect_grep "^$file\$" "$WORK/contents"
done
for page in "$BUILD"/docs/man/*.1.gz; do
  expect_grep "^usr/share/man/man1/${page##*/}\$" "$WORK/contents"
done
checks=$((checks + 1))
[ "$(grep -c '^usr/share/man/man1/dmarcq-.*\.1\.gz$' "$WORK/contents")" -ge 8 ] ||
  fail "fewer than 8 command man pages in the package"

finish
