package io.chronik.group;

/** A group as ListGroups reports it; {@code protocolType} is "" for a group made by offset commits only. */
public record GroupListing(String groupId, String protocolType, GroupState state) {}
