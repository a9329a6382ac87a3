package io.usersync.processor.topology;

import io.usersync.schemas.profile.UserEvent;
import io.usersync.schemas.profile.UserProfile;

/** Output of the user-state step: one of a profile (null for a tombstone), an event, or a username claim. */
record UserOutput(Kind kind, UserProfile profile, UserEvent event, UsernameClaim claim) {

    enum Kind { PROFILE, EVENT, CLAIM }

    static UserOutput profile(UserProfile profile) {
        return new UserOutput(Kind.PROFILE, profile, null, null);
    }

    static UserOutput event(UserEvent event) {
        return new UserOutput(Kind.EVENT, null, event, null);
    }

    static UserOutput claim(UsernameClaim claim) {
        return new UserOutput(Kind.CLAIM, null, null, claim);
    }
}
