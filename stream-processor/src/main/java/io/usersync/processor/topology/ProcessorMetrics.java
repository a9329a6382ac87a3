package io.usersync.processor.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The topology's own figures, registered in Micrometer; Kafka Streams' metrics come on top. */
public final class ProcessorMetrics {

    private final MeterRegistry registry;
    private final Counter recordsIn;
    private final Counter profilesOut;
    private final Counter staleChanges;
    private final Counter collisionsResolved;
    private final Counter reservationConflicts;
    private final Counter unreadableExistingProfiles;
    private final Counter repeatedInputs;
    private final Counter removalsWithoutDelete;
    private final Counter changesAcrossSlotSnapshots;

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.recordsIn = Counter.builder("usersync.processor.records.in")
                .description("Change events read from the CDC topic").register(registry);
        this.profilesOut = Counter.builder("usersync.processor.profiles.out")
                .description("Profiles and tombstones published").register(registry);
        this.staleChanges = Counter.builder("usersync.processor.stale.changes")
                .description("Changes older than what was already applied, ignored").register(registry);
        this.repeatedInputs = Counter.builder("usersync.processor.repeated.inputs")
                .description("Changes and assignments that came again after a crash, their outputs sent again").register(registry);
        this.removalsWithoutDelete = Counter.builder("usersync.processor.deletes.from.tombstones")
                .description("Users deleted on the CDC topic's tombstone alone: the processor was behind by more than the"
                        + " compaction lag, and their delete was cleaned away before it was read").register(registry);
        this.changesAcrossSlotSnapshots = Counter.builder("usersync.processor.changes.across.slot.snapshots")
                .description("Changes of transactions begun before a new replication slot's consistent point and committed"
                        + " after it: below the slot snapshot's LSN, yet newer than its row, and applied").register(registry);
        this.collisionsResolved = Counter.builder("usersync.processor.username.collisions")
                .description("Usernames given with a number because the base was taken").register(registry);
        this.reservationConflicts = Counter.builder("usersync.processor.username.reservation.conflicts")
                .description("Usernames set outside the pipeline that the pipeline had given to another user")
                .register(registry);
        this.unreadableExistingProfiles = Counter.builder("usersync.processor.existing.profiles.unreadable")
                .description("Records of the profiles topic the global store of existing profiles could not read, skipped")
                .register(registry);
    }

    void recordIn() {
        recordsIn.increment();
    }

    void profileOut() {
        profilesOut.increment();
    }

    void staleChange() {
        staleChanges.increment();
    }

    void repeatedInput() {
        repeatedInputs.increment();
    }

    void removalWithoutDelete() {
        removalsWithoutDelete.increment();
    }

    void changeAcrossSlotSnapshot() {
        changesAcrossSlotSnapshots.increment();
    }

    void collisionResolved() {
        collisionsResolved.increment();
    }

    void reservationConflict() {
        reservationConflicts.increment();
    }

    void unreadableExistingProfile() {
        unreadableExistingProfiles.increment();
    }

    /** An input sent to the dead-letter topic, by the topology or by Kafka Streams' handlers. */
    public void deadLetter(String reason) {
        Counter.builder("usersync.processor.dead.letters")
                .description("Inputs sent to the dead-letter topic")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
