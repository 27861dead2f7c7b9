# What `cmake --install` puts in place and `cpack -G DEB` packages: the binary, a man
# page per command and the bash and zsh completions. The pages and completions are
# made at build time from the built binary's --help texts (help_docs.py), so they
# cannot drift from them.
include(GNUInstallDirs)

option(DMARCQ_DOCS "Generate the man pages (help2man) and shell completions" ON)

install(TARGETS dmarcq RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

if(DMARCQ_DOCS)
  find_program(DMARCQ_HELP2MAN help2man)
  if(NOT DMARCQ_HELP2MAN)
    message(FATAL_ERROR "help2man not found: install it (scripts/setup does), "
                        "or configure with -DDMARCQ_DOCS=OFF")
  endif()
  find_package(Python3 COMPONENTS Interpreter REQUIRED)
  set(DMARCQ_DOCS_DIR ${PROJECT_BINARY_DIR}/docs)
  # The commands are read from `dmarcq --help`, so the page names are known only once
  # the binary runs: dmarcq.1.gz stands for them all, and man/ is installed whole.
  add_custom_command(
    OUTPUT ${DMARCQ_DOCS_DIR}/man/dmarcq.1.gz ${DMARCQ_DOCS_DIR}/completions/dmarcq
           ${DMARCQ_DOCS_DIR}/completions/_dmarcq
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/cmake/help_docs.py $<TARGET_FILE:dmarcq>
            ${DMARCQ_DOCS_DIR} --help2man ${DMARCQ_HELP2MAN}
    DEPENDS dmarcq ${PROJECT_SOURCE_DIR}/cmake/help_docs.py
    COMMENT "Man pages and shell completions from dmarcq's --help texts"
    VERBATIM)
  add_custom_target(dmarcq_docs ALL
    DEPENDS ${DMARCQ_DOCS_DIR}/man/dmarcq.1.gz ${DMARCQ_DOCS_DIR}/completions/dmarcq
            ${DMARCQ_DOCS_DIR}/completions/_dmarcq)
  install(DIRECTORY ${DMARCQ_DOCS_DIR}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${DMARCQ_DOCS_DIR}/completions/dmarcq
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
  install(FILES ${DMARCQ_DOCS_DIR}/completions/_dmarcq
          DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
endif()

# The Debian package. Its Depends come from dpkg-shlibdeps: the packages of the
# libraries the binary links, at the versions this system has.
set(DMARCQ_PACKAGE_CONTACT
    "dmarcq maintainers <maintainers@users.noreply.r-seed-950a6ca9.example>"
    CACHE STRING "Maintainer of the Debian package, \"Name <address>\"")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dmarcq)
set(CPACK_PACKAGE_CONTACT ${DMARCQ_PACKAGE_CONTACT})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "DMARC aggregate report analyzer")
# One line per line of the control file's long description (CPack indents them).
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "dmarcq reads the DMARC aggregate reports (RUA) that pile up in a mailbox"
  "(mbox, Maildir and .eml exports, report files, archives) into one SQLite file,"
  "and says which sources send mail as your domains, which of them fail, why,"
  "and the DNS or sender-side change that fixes it, in English or Japanese.")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libpsl reads the system's public suffix list when there is one (psl_latest), which
# is newer than the copy built into it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS publicsuffix)
include(CPack)
