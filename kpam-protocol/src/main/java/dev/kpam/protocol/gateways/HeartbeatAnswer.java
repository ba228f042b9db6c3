package dev.kpam.protocol.gateways;

import java.util.List;

/**
 * The answer to a gateway's heartbeat: the relays ({@code host:port}) the server announces now. The
 * gateway keeps a tunnel to each of them, so relays added or taken away after it enrolled reach it
 * within one heartbeat.
 */
public record HeartbeatAnswer(List<String> relays) {}
