/** Home Assistant's context: who or what caused a change (see REFERENCE 1.7). */
export interface HaContext {
  id: string;
  parent_id: string | null;
  user_id: string | null;
}

/** A state object as `get_states` and `state_changed` carry it. */
export interface HaState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_updated: string;
  context: HaContext;
}

/** The `event` object of a `state_changed` event frame. */
export interface StateChangedEvent {
  event_type: "state_changed";
  data: { entity_id: string; old_state: HaState | null; new_state: HaState | null };
  origin: string;
  time_fired: string;
  context: HaContext;
}

/** Where a service call acts. */
export interface ServiceTarget {
  area_id?: string | string[];
  entity_id?: string | string[];
}

/** The result of `call_service`. `response` is present only when the call asked for it. */
export interface ServiceCallResult {
  context: HaContext;
  response?: unknown;
}

/** The user owning the access token, from `auth/current_user`. */
export interface HaUser {
  id: string;
  name: string;
  is_owner?: boolean;
  is_admin?: boolean;
}
