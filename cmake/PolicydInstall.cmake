# What `cmake --install` lays down, in one place (docs/PACKAGING.md explains each):
#   bin/policyd, bin/policyctl                  stripped
#   lib/debug/.build-id/xx/yyyy.debug           their debug symbols (component "debug")
#   lib/systemd/system/policyd.service          ExecStart and --config for the install prefix
#   lib/systemd/system/policyd-browser.socket, policyd-browser@.service
#   lib/sysusers.d/policyd.conf, lib/tmpfiles.d/policyd.conf
#   <sysconfdir>/policyd/policyd.toml           config/policyd.system.toml, paths for the prefix
#   <sysconfdir>/policyd/targets/*.toml         config/targets/
#   share/doc/policyd/                          README.md, LICENSE, docs/*
#   share/man/man1, man5, man8                  man/ (man/CMakeLists.txt)
#
# Paths written into installed files follow the prefix given when installing (`cmake
# --install build --prefix /usr`, or CPack's /usr), not only the one configured: they are
# worked out at install time by cmake/policyd_install_time.cmake with GNUInstallDirs' own
# rules (prefix /usr: configuration in /etc; /usr/local: /usr/local/etc; /opt/x: /etc/opt/x).
# Every install() rule without a COMPONENT belongs to the component "policyd" (the package
# policyd); the debug symbols are the component "debug" (the package policyd-dbgsym).

find_program(POLICYD_READELF NAMES ${CMAKE_READELF} readelf REQUIRED)
find_program(POLICYD_OBJCOPY NAMES ${CMAKE_OBJCOPY} objcopy REQUIRED)
find_program(POLICYD_STRIP NAMES ${CMAKE_STRIP} strip REQUIRED)

# The bundled targets, listed when configuring (re-listed when a file is added or removed):
# the same list is installed and declared as the package's conffiles.
file(GLOB POLICYD_TARGET_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/config/targets/*.toml)
list(SORT POLICYD_TARGET_FILES)

# What the install-time script needs from this configuration.
configure_file(${PROJECT_SOURCE_DIR}/cmake/policyd_install_layout.cmake.in
               ${PROJECT_BINARY_DIR}/policyd_install_layout.cmake @ONLY)
install(CODE "include(\"${PROJECT_BINARY_DIR}/policyd_install_layout.cmake\")" ALL_COMPONENTS)

# A program, stripped, and its debug symbols (from the unstripped file in the build tree) in
# the "debug" component under lib/debug/.build-id/, where gdb and debuginfod look.
function(policyd_install_program target)
  install(TARGETS ${target} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(CODE "policyd_strip_installed(\"${CMAKE_INSTALL_BINDIR}/$<TARGET_FILE_NAME:${target}>\")")
  install(CODE "policyd_install_debug_symbols(\"$<TARGET_FILE:${target}>\")" COMPONENT debug)
endfunction()

policyd_install_program(policyd)
policyd_install_program(policyctl)

# systemd: the service with the paths of this install, the browser's units as they are.
install(CODE "policyd_install_configured(\"${PROJECT_SOURCE_DIR}/systemd/policyd.service.in\" lib/systemd/system policyd.service)")
install(FILES systemd/policyd-browser.socket systemd/policyd-browser@.service
        DESTINATION lib/systemd/system)
install(FILES systemd/policyd.sysusers DESTINATION lib/sysusers.d RENAME policyd.conf)
install(FILES systemd/policyd.tmpfiles DESTINATION lib/tmpfiles.d RENAME policyd.conf)

# The system configuration and the bundled targets, under the sysconfdir of the prefix.
install(CODE "policyd_install_system_config()")

install(FILES README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The unit as `cmake --install build` would install it with the configured prefix, for the
# unit-file tests (tests/integration/unit_file_test.sh).
include(${PROJECT_SOURCE_DIR}/cmake/policyd_install_time.cmake)
policyd_install_paths(${CMAKE_INSTALL_PREFIX})
configure_file(${PROJECT_SOURCE_DIR}/systemd/policyd.service.in
               ${PROJECT_BINARY_DIR}/systemd/policyd.service @ONLY)
