package dev.kpam.protocol;

import java.util.List;

/**
 * A list answer of the REST API. Always an object, so that fields can be added later.
 *
 * <pre>{@code
 * ItemList<UserView> users = new ItemList<>(List.of(alice, bob));
 * }</pre>
 */
public record ItemList<T>(List<T> items) {
  public ItemList {
    items = List.copyOf(items);
  }
}
