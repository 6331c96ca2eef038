# The install rules that run at install time (cmake/PolicydInstall.cmake declares them):
# paths that depend on the prefix given when installing, stripping, and debug symbols.
# Included by the generated policyd_install_layout.cmake (install time), and by
# PolicydInstall.cmake to configure the build tree's copy of the unit (configure time).

# Sets POLICYD_PREFIX and the absolute POLICYD_FULL_BINDIR, POLICYD_FULL_SYSCONFDIR and
# POLICYD_FULL_DOCDIR for `prefix`, as GNUInstallDirs maps them (prefix /usr: /usr/bin,
# /etc, /usr/share/doc/policyd; /usr/local: /usr/local/bin, /usr/local/etc, ...).
function(policyd_install_paths prefix)
  set(CMAKE_INSTALL_PREFIX "${prefix}")
  foreach(dir BINDIR SYSCONFDIR DOCDIR)
    GNUInstallDirs_get_absolute_install_dir(full CMAKE_INSTALL_${dir} ${dir})
    set(POLICYD_FULL_${dir} "${full}" PARENT_SCOPE)
  endforeach()
  set(POLICYD_PREFIX "${prefix}" PARENT_SCOPE)
endfunction()

# A directory of this process's own under the build tree, for files configured before they
# are installed: two installs may run at once (the tests install to two DESTDIRs while CPack
# packages).
function(policyd_install_scratch_dir out)
  string(RANDOM LENGTH 16 token)
  set(dir "${POLICYD_BINARY_DIR}/install-scratch/${token}")
  file(MAKE_DIRECTORY "${dir}")
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# Installs `file` (absolute, in the build or source tree) into `destination` (absolute, or
# relative to the prefix) as `name`, mode 0644; DESTDIR and the install manifest are
# file(INSTALL)'s.
function(policyd_install_file file destination name)
  if(NOT IS_ABSOLUTE "${destination}")
    set(destination "${CMAKE_INSTALL_PREFIX}/${destination}")
  endif()
  file(INSTALL DESTINATION "${destination}" TYPE FILE RENAME "${name}"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES "${file}")
  set(CMAKE_INSTALL_MANIFEST_FILES "${CMAKE_INSTALL_MANIFEST_FILES}" PARENT_SCOPE)
endfunction()

# configure_file(@ONLY) of `template` with the POLICYD_* paths of this install, installed
# into `destination` (relative to the prefix) as `name`.
function(policyd_install_configured template destination name)
  policyd_install_scratch_dir(scratch)
  configure_file("${template}" "${scratch}/${name}" @ONLY)
  policyd_install_file("${scratch}/${name}" "${destination}" "${name}")
  file(REMOVE_RECURSE "${scratch}")
  set(CMAKE_INSTALL_MANIFEST_FILES "${CMAKE_INSTALL_MANIFEST_FILES}" PARENT_SCOPE)
endfunction()

# config/policyd.system.toml as <sysconfdir>/policyd/policyd.toml, with its /etc/policyd/
# paths moved to the sysconfdir of this prefix (a no-op for /usr), and the bundled targets
# into <sysconfdir>/policyd/targets/, where its targets_dir points.
function(policyd_install_system_config)
  set(config_dir "${POLICYD_FULL_SYSCONFDIR}/policyd")
  file(READ "${POLICYD_SOURCE_DIR}/config/policyd.system.toml" text)
  string(REPLACE "/etc/policyd/" "${config_dir}/" text "${text}")
  string(FIND "${text}" "\ntargets_dir = \"${config_dir}/targets\"\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "config/policyd.system.toml must set targets_dir = "
                        "\"/etc/policyd/targets\", where the bundled targets are installed")
  endif()
  policyd_install_scratch_dir(scratch)
  file(WRITE "${scratch}/policyd.toml" "${text}")
  policyd_install_file("${scratch}/policyd.toml" "${config_dir}" policyd.toml)
  file(REMOVE_RECURSE "${scratch}")
  file(INSTALL DESTINATION "${config_dir}/targets" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES ${POLICYD_TARGET_FILES})
  set(CMAKE_INSTALL_MANIFEST_FILES "${CMAKE_INSTALL_MANIFEST_FILES}" PARENT_SCOPE)
endfunction()

# Strips the installed program at `relative` (to the prefix): its debug symbols are the
# "debug" component's. The build tree's copy keeps them.
function(policyd_strip_installed relative)
  set(file "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${relative}")
  execute_process(COMMAND "${POLICYD_STRIP}" --strip-all --remove-section=.comment "${file}"
                  RESULT_VARIABLE result ERROR_VARIABLE error)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "cannot strip ${file}: ${error}")
  endif()
endfunction()

# The debug symbols of `program` (the unstripped build output) as
# <prefix>/lib/debug/.build-id/<first 2 hex digits>/<the others>.debug, compressed, where gdb
# finds them by the build id the stripped program keeps.
function(policyd_install_debug_symbols program)
  execute_process(COMMAND "${POLICYD_READELF}" --notes "${program}" OUTPUT_VARIABLE notes
                  RESULT_VARIABLE result ERROR_VARIABLE error)
  if(NOT result EQUAL 0 OR NOT notes MATCHES "Build ID: ([0-9a-f]+)")
    message(FATAL_ERROR "${program} has no build id (linked without --build-id?): ${error}")
  endif()
  string(SUBSTRING "${CMAKE_MATCH_1}" 0 2 head)
  string(SUBSTRING "${CMAKE_MATCH_1}" 2 -1 tail)
  set(installed "${CMAKE_INSTALL_PREFIX}/lib/debug/.build-id/${head}/${tail}.debug")
  set(destination "$ENV{DESTDIR}${installed}")
  message(STATUS "Installing: ${destination}")
  get_filename_component(directory "${destination}" DIRECTORY)
  file(MAKE_DIRECTORY "${directory}")
  execute_process(COMMAND "${POLICYD_OBJCOPY}" --only-keep-debug --compress-debug-sections=zlib
                          "${program}" "${destination}.tmp"
                  RESULT_VARIABLE result ERROR_VARIABLE error)
  if(NOT result EQUAL 0)
    file(REMOVE "${destination}.tmp")
    message(FATAL_ERROR "cannot extract the debug symbols of ${program}: ${error}")
  endif()
  file(CHMOD "${destination}.tmp" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  file(RENAME "${destination}.tmp" "${destination}")
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${installed}")
  set(CMAKE_INSTALL_MANIFEST_FILES "${CMAKE_INSTALL_MANIFEST_FILES}" PARENT_SCOPE)
endfunction()
