# What `cmake --install` puts in place: the binary, a man page per command and the
# bash and zsh completions. The pages and completions are made at build time from
# the built binary's --help texts (help_docs.py), so they cannot drift from them.
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
