# Container images of Sluice: one build stage, and a `FROM scratch` runtime stage per program
# holding the program, the shared libraries it loads and a non-root user, nothing else (no shell).
#
#   docker build --target broker   -t sluice/sluice-broker:0.1.0   .
#   docker build --target operator -t sluice/sluice-operator:0.1.0 .
#
# scripts/image/build.sh builds both with podman, on a base image it makes with debootstrap
# when no registry is reachable; scripts/image/README.md has the details and measurements.
#
# Build arguments:
#   BASE_IMAGE       Debian bookworm image of the build stage (default debian:bookworm-slim;
#                    scripts/image/base.sh makes localhost/debian:bookworm)
#   SLUICE_VERSION   the project version, as in CMakeLists.txt; the build fails if the
#                    programs' --version disagrees
#   SLUICE_REVISION  source revision for the org.opencontainers.image.revision label
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
ENV SLUICE_CACHE=/var/cache/sluice DEBIAN_FRONTEND=noninteractive
# Layers are ordered from least to most often changed, so that an unchanged source tree is
# rebuilt entirely from cache and a change to tests or docs does not recompile.
COPY scripts/env.sh scripts/setup.sh /src/scripts/
# The protocol codegen reads Kafka's message specs from the kafka-clients jar. The set-up
# script takes it from /run/sluice-kafka when that holds it (scripts/image/build.sh mounts the
# host's copy there with `podman build --volume`), else fetches it with Maven; either way it
# checks the pinned digest.
RUN SLUICE_KAFKA_JARS_FROM=/run/sluice-kafka /src/scripts/setup.sh --build-deps \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/image/stage-rootfs.sh /src/scripts/image/
COPY CMakeLists.txt /src/
COPY cmake /src/cmake
COPY common /src/common
COPY broker /src/broker
COPY operator /src/operator
# Any change under these folders reruns this step; ccache, whose cache lives in a cache mount
# that outlasts the build, then recompiles only the files that changed. The step keeps only
# the two staged root filesystems (object files are in ccache), so that each layer it leaves
# behind is small.
ARG SLUICE_VERSION=0.1.0
RUN --mount=type=cache,id=sluice-ccache,target=/root/.cache/ccache \
    export CCACHE_DIR=/root/.cache/ccache CCACHE_MAXSIZE=2G \
 && cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_TESTS=OFF \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null \
 && ccache --zero-stats >/dev/null && ninja -C /build sluice-broker sluice-operator \
 && { ccache --show-stats | grep -E "Hits|Misses" || true; } \
 && test "$(/build/broker/sluice-broker --version)" = "sluice-broker ${SLUICE_VERSION}" \
 && test "$(/build/operator/sluice-operator --version)" = "sluice-operator ${SLUICE_VERSION}" \
 && /src/scripts/image/stage-rootfs.sh /rootfs/broker /build/broker/sluice-broker \
      --data-dir /var/lib/sluice \
 && /src/scripts/image/stage-rootfs.sh /rootfs/operator /build/operator/sluice-operator --ca-certs \
 && rm -rf /build

# The broker. The operator's StatefulSet (operator/reconcilers/cluster/statefulset_builder.cc)
# gives only args, runs it as 65532 with a read-only root, the data volume at /var/lib/sluice
# and an emptyDir at /tmp. The default CMD serves a standalone broker:
#   docker run -p 9092:9092 -v sluice-data:/var/lib/sluice sluice/sluice-broker:0.1.0
FROM scratch AS broker
COPY --from=build /rootfs/broker /
ARG SLUICE_VERSION=0.1.0
ARG SLUICE_REVISION=unknown
LABEL org.opencontainers.image.title="sluice-broker" \
      org.opencontainers.image.description="Sluice: a Kafka-compatible broker" \
      org.opencontainers.image.version="${SLUICE_VERSION}" \
      org.opencontainers.image.revision="${SLUICE_REVISION}" \
      org.opencontainers.image.vendor="Sluice"
ENV SLUICE_VERSION=${SLUICE_VERSION}
USER 65532:65532
WORKDIR /var/lib/sluice
VOLUME ["/var/lib/sluice"]
EXPOSE 9092 8090
ENTRYPOINT ["/usr/local/bin/sluice-broker"]
CMD ["--data-dir", "/var/lib/sluice/data", "--listeners", "0.0.0.0:9092", \
     "--http-listeners", "0.0.0.0:8090"]

# The operator: in a cluster it uses the pod's service account; elsewhere --kubeconfig.
FROM scratch AS operator
COPY --from=build /rootfs/operator /
ARG SLUICE_VERSION=0.1.0
ARG SLUICE_REVISION=unknown
LABEL org.opencontainers.image.title="sluice-operator" \
      org.opencontainers.image.description="Sluice: the Kubernetes operator of Sluice clusters" \
      org.opencontainers.image.version="${SLUICE_VERSION}" \
      org.opencontainers.image.revision="${SLUICE_REVISION}" \
      org.opencontainers.image.vendor="Sluice"
ENV SLUICE_VERSION=${SLUICE_VERSION}
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/sluice-operator"]
