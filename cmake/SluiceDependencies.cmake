# Third-party packages, all from Debian (scripts/setup.sh installs them).
find_package(Threads REQUIRED)
find_package(absl REQUIRED)
find_package(RocksDB REQUIRED)
find_package(prometheus-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
if(SLUICE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
find_package(OpenSSL REQUIRED)
find_package(Boost REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SNAPPY REQUIRED IMPORTED_TARGET snappy)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
if(SLUICE_BUILD_TESTS)
  pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)  # tests/integration, bench/
endif()
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# Apache Kafka's message specs are read from the pinned kafka-clients jar at build time.
set(SLUICE_KAFKA_VERSION "4.1.1" CACHE STRING "Apache Kafka release whose message specs are used")
if(DEFINED ENV{SLUICE_CACHE})
  set(_sluice_cache "$ENV{SLUICE_CACHE}")
else()
  set(_sluice_cache "$ENV{HOME}/.cache/sluice")
endif()
set(SLUICE_KAFKA_CLIENTS_JAR
    "${_sluice_cache}/kafka-${SLUICE_KAFKA_VERSION}/libs/kafka-clients-${SLUICE_KAFKA_VERSION}.jar"
    CACHE FILEPATH "kafka-clients jar holding common/message/*.json")
if(NOT EXISTS "${SLUICE_KAFKA_CLIENTS_JAR}")
  message(FATAL_ERROR "kafka-clients jar not found at ${SLUICE_KAFKA_CLIENTS_JAR}; run scripts/setup.sh first")
endif()
