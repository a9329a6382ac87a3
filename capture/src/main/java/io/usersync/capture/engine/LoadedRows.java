package io.usersync.capture.engine;

/** Told, batch by batch, of the rows of the initial load of {@code auth.users} that Kafka has acknowledged. */
@FunctionalInterface
public interface LoadedRows {

    LoadedRows NONE = (rows, last) -> { };

    /** @param last whether the batch held the load's last row */
    void acknowledged(int rows, boolean last);
}
