# One image for every role: `run` with USERSYNC_STAGES picks the stages, `migrate` prepares the database.
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The class-data archive is recorded for the JVM that runs the build, not the runtime image's: not recorded here.
RUN mvn -B -q package -DskipTests -Dclass-archive.skip=true

FROM eclipse-temurin:17.0.13_11-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/usersync --create-home usersync
COPY --from=build /src/app/target/usersync.jar /opt/usersync/usersync.jar
USER usersync
WORKDIR /var/lib/usersync
ENV USERSYNC_DATA_DIR=/var/lib/usersync
# Outside a container the HTTP port listens on loopback only; a container's port is reached from outside it.
ENV USERSYNC_HTTP_BIND=0.0.0.0
# Half of the container's memory for the heap: the rest holds classes, compiled code, thread stacks and
# RocksDB's state stores (bounded off the heap); fewer malloc arenas keep native memory from fragmenting.
# The quick compiler only (C1): the optimizing one's code and compile arenas cost ~65 MiB of resident memory
# (300k-user backfill at -Xmx256m: 557 -> 491 MiB) for ~7% more backfill throughput, which a 512Mi
# container cannot spare. Raise the limit and drop the flag for throughput.
ENV MALLOC_ARENA_MAX=2
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/usersync/usersync.jar"]
CMD ["run"]
