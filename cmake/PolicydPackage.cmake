# The Debian package, built by CPack from the install rules (cmake/PolicydInstall.cmake):
#   scripts/package.sh, or: cpack --config build/CPackConfig.cmake -B build/packages
# gives policyd_<version>_<arch>.deb (component "policyd": everything but the debug symbols)
# and policyd-dbgsym_<version>_<arch>.deb (component "debug"). docs/PACKAGING.md says why.

set(POLICYD_PACKAGE_MAINTAINER "policyd developers <policyd@localhost>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME policyd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's description is its own (summary line first): CPack would put a
# CPACK_PACKAGE_DESCRIPTION_SUMMARY before both.
set(POLICYD_PACKAGE_DESCRIPTION
    "watches privacy policies and terms of service for changes
policyd fetches the privacy policies and terms of service of the platforms it is given,
extracts their main text, stores every version that really changed (RocksDB, addressed by
SHA-256, with the raw page) and publishes change events on a Unix socket. It runs as a
hardened systemd service and is controlled with policyctl. Targets for hundreds of platforms
are included.")
set(CPACK_PACKAGE_CONTACT "${POLICYD_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${POLICYD_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/policyd/policyd")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>_<arch>.deb

# Installed under /usr whatever the build tree was configured with; with DESTDIR, so that the
# install rules see the prefix /usr (and put the configuration in /etc, as GNUInstallDirs
# maps it) while writing into CPack's staging directory.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL policyd debug)
set(CPACK_DEBIAN_POLICYD_PACKAGE_NAME policyd)
set(CPACK_DEBIAN_DEBUG_PACKAGE_NAME policyd-dbgsym)

# Shared-library dependencies from dpkg-shlibdeps, plus what the maintainer scripts use:
# debconf (the purge question), systemd-sysusers or adduser (the system user).
set(CPACK_DEBIAN_POLICYD_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_POLICYD_PACKAGE_DEPENDS "debconf (>= 0.5) | debconf-2.0, systemd-sysusers | adduser")
# Pages that need a browser (chromium) and PDF policies (poppler-utils) fail with a reason
# without them; everything else works.
set(CPACK_DEBIAN_POLICYD_PACKAGE_RECOMMENDS "chromium, poppler-utils")
set(CPACK_DEBIAN_POLICYD_DESCRIPTION "${POLICYD_PACKAGE_DESCRIPTION}")

set(CPACK_DEBIAN_DEBUG_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_DEBUG_PACKAGE_DEPENDS "policyd (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_DEBUG_PACKAGE_SECTION debug)
set(CPACK_DEBIAN_DEBUG_DESCRIPTION "debug symbols for policyd
The debug symbols of policyd and policyctl, under /usr/lib/debug/.build-id/, where gdb
finds them by the build id of the installed programs.")

# The maintainer scripts (packaging/debian/), the debconf template of the purge question,
# and the conffiles: the configuration and every bundled target, which dpkg then keeps
# when the operator changed them (and asks on upgrade).
set(conffiles "/etc/policyd/policyd.toml\n")
foreach(target IN LISTS POLICYD_TARGET_FILES)
  get_filename_component(name ${target} NAME)
  string(APPEND conffiles "/etc/policyd/targets/${name}\n")
endforeach()
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/packaging/conffiles CONTENT "${conffiles}")
set(CPACK_DEBIAN_POLICYD_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm ${PROJECT_SOURCE_DIR}/packaging/debian/templates
    ${PROJECT_BINARY_DIR}/packaging/conffiles)
# Scripts 0755, the other control files 0644, whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
