package io.chronik.group;

/** One protocol a member supports (an assignor name for consumers) with the member's metadata for it. */
public record Protocol(String name, byte[] metadata) {}
