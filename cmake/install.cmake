# What `cmake --install` puts where, and the Debian package (`cpack -G DEB`).
#
#   PREFIX/bin/innosim                       the program
#   PREFIX/share/innosim/tools/              the report tool (report.py and the
#                                            innosim_report package) and the
#                                            NumPy reference model
#   PREFIX/share/innosim/scenarios/          the shipped scenarios
#   PREFIX/share/innosim/web/                the page of `innosim serve` and the
#                                            charting library it ships with
#   PREFIX/share/doc/innosim/                README and docs/
#
# The program finds its shared files at INNOSIM_DATA_FROM_BIN from its own
# folder (app/data_dir.hpp); the build tree mirrors the layout
# (app/CMakeLists.txt).

install(TARGETS innosim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS tools/report.py tools/reference_model.py DESTINATION ${INNOSIM_DATADIR}/tools)
install(DIRECTORY tools/innosim_report DESTINATION ${INNOSIM_DATADIR}/tools
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
install(DIRECTORY scenarios/ DESTINATION ${INNOSIM_DATADIR}/scenarios FILES_MATCHING PATTERN "*.toml"
        PATTERN "*.posterior.h5")
install(DIRECTORY web/ DESTINATION ${INNOSIM_DATADIR}/web
        FILES_MATCHING PATTERN "*.html" PATTERN "*.js" PATTERN "*.css" PATTERN "*.txt")
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

# Debian package: `cpack -G DEB` in a build folder writes innosim_<version>_<arch>.deb,
# installable with `apt-get install ./innosim_*.deb`. Shared libraries are
# found by dpkg-shlibdeps; the report tool's Python packages and fonts are
# listed here.
set(CPACK_PACKAGE_NAME innosim)
set(CPACK_PACKAGE_CONTACT "innosim developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "forecasts S&T indicators under uncertainty from scenario files")
set(CPACK_PACKAGE_DESCRIPTION
    "innosim runs Monte Carlo draws of a dynamic model of a region's science-and-technology
indicators under the funding and policy levers of a scenario file, writes every
draw to one HDF5 file and prints, for each plan target, the median, a 90 % band
and the probability of meeting it. It ships the 2016-2020 plan scenarios of the
Ningxia pilot zone and a report tool (charts, HTML and PDF).")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "python3 (>= 3.11), python3-h5py, python3-matplotlib, python3-numpy, python3-pil, python3-pypdf, python3-scipy, fonts-noto-cjk")
include(CPack)
