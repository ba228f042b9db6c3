package dev.kpam.protocol.sessions;

import java.util.List;

/**
 * A page of a session's events in sequence order: an {@code ItemList} with {@code next}, the last
 * sequence number returned (null when the page is empty), to pass as {@code after} for the next
 * page or to follow a session that is still going.
 *
 * <pre>{@code
 * SessionEventPage page = api.get(".../events?after=" + after, SessionEventPage.class);
 * after = page.next() == null ? after : page.next();
 * }</pre>
 */
public record SessionEventPage(List<SessionEvent> items, Long next) {
  public SessionEventPage {
    items = List.copyOf(items);
  }
}
