package io.usersync.processor.topology;

/**
 * Every behaviour of {@link UserSyncTopologyTest} again with eight partitions: the task under test owns
 * about one root in eight, so most claims and releases travel through the claims and assignments topics.
 */
class UserSyncTopologyWithRemoteClaimsTest extends UserSyncTopologyTest {

    @Override
    TopologyFixture fixture(boolean keepReleasedUsernames) {
        return new TopologyFixture(keepReleasedUsernames, 8);
    }
}
