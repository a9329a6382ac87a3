package io.usersync.processor.topology;

import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message on the claims topic to the task that owns a username root (the record's key). Its JSON names the
 * kind in {@code "type"} ({@code username-claim.schema.json}). Releases before the kinds were types wrote every
 * kind with all four fields, {@code "base": null} for a release or reservation: those records still read as the
 * same kinds, so claims in flight survive an upgrade.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = UsernameClaim.Claim.class, name = "claim"),
        @JsonSubTypes.Type(value = UsernameClaim.Release.class, name = "release"),
        @JsonSubTypes.Type(value = UsernameClaim.Reserve.class, name = "reserve")})
sealed interface UsernameClaim {

    String userId();

    /**
     * Hands this message to the consumer of its kind. Every caller names one for each kind, so a new kind does
     * not compile until each of them decides what to do with it.
     */
    void match(Consumer<Claim> onClaim, Consumer<Release> onRelease, Consumer<Reserve> onReserve);

    /** Give the user the first free candidate of {@code base}, or {@code username} if it is free (one they had). */
    record Claim(String userId, String base, String username) implements UsernameClaim {

        @Override
        public void match(Consumer<Claim> onClaim, Consumer<Release> onRelease, Consumer<Reserve> onReserve) {
            onClaim.accept(this);
        }
    }

    /** The user no longer holds {@code username}. */
    @JsonIgnoreProperties({"base"})
    record Release(String userId, String username) implements UsernameClaim {

        @Override
        public void match(Consumer<Claim> onClaim, Consumer<Release> onRelease, Consumer<Reserve> onReserve) {
            onRelease.accept(this);
        }
    }

    /** {@code username} was set outside the pipeline for the user: it is theirs and never handed out again. */
    @JsonIgnoreProperties({"base"})
    record Reserve(String userId, String username) implements UsernameClaim {

        @Override
        public void match(Consumer<Claim> onClaim, Consumer<Release> onRelease, Consumer<Reserve> onReserve) {
            onReserve.accept(this);
        }
    }

    static Claim claim(String userId, String base, String preferred) {
        return new Claim(userId, base, preferred);
    }

    static Release release(String userId, String username) {
        return new Release(userId, username);
    }

    static Reserve reserve(String userId, String username) {
        return new Reserve(userId, username);
    }
}
