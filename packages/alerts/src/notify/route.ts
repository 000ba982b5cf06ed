import { z } from 'zod';
import type { Alert } from '../alert.js';
import {
  type AlertMatcher,
  type AlertPredicate,
  alertMatcherSchema,
  compileMatcher,
} from './alert-matcher.js';

/**
 * A node of the routing tree, as in Prometheus Alertmanager. An alert enters at the root (which
 * matches every alert) and descends: the first matching child takes it, unless that child has
 * `continue: true`, in which case the following children are tried too. When no child matches,
 * the node itself is the target. Children inherit every setting they leave out.
 */
export interface Route {
  /** The receiver (a key of the notifier's `receivers`) notified for alerts ending here. Required at the root. */
  readonly receiver?: string;
  /** Which alerts this child route takes. Not allowed on the root. */
  readonly match?: AlertMatcher;
  /** Keep trying the following sibling routes after this one matched. Default false. */
  readonly continue?: boolean;
  /**
   * Label names alerts are grouped by into one notification. Default: the rule id and the
   * rule's own group (the alert's `groupKey`).
   */
  readonly groupBy?: readonly string[];
  /** How long a new group waits for more alerts before its first notification. Default 30 s. */
  readonly groupWaitMs?: number;
  /** How long a group waits before notifying about alerts added after its last notification. Default 5 min. */
  readonly groupIntervalMs?: number;
  /** How long before a notification whose alerts have not changed is sent again. Default 4 h. */
  readonly repeatIntervalMs?: number;
  /** Notify when alerts resolve (for rules that can tell). Default true. */
  readonly sendResolved?: boolean;
  /** Child routes, tried in order. */
  readonly routes?: readonly Route[];
}

const day = 86_400_000;

/** The zod schema of {@link Route} (receiver names are checked by the notifier, which knows them). */
export const routeSchema: z.ZodType<Route> = z.lazy(() =>
  z.strictObject({
    receiver: z.string().min(1).max(64).optional(),
    match: alertMatcherSchema.optional(),
    continue: z.boolean().optional(),
    groupBy: z.array(z.string().min(1).max(128)).max(32).optional(),
    groupWaitMs: z.number().int().min(0).max(day).optional(),
    groupIntervalMs: z.number().int().min(1).max(day).optional(),
    repeatIntervalMs: z
      .number()
      .int()
      .min(1)
      .max(30 * day)
      .optional(),
    sendResolved: z.boolean().optional(),
    routes: z.array(routeSchema).max(256).optional(),
  }),
);

/** Deepest routing tree accepted. */
export const maxRouteDepth = 16;

/** A route with its settings resolved and its matcher compiled. */
export interface RouteNode {
  /** Its path in the options, e.g. `route.routes[1]`; identifies its alert groups. */
  readonly id: string;
  readonly receiver: string;
  readonly matches: AlertPredicate;
  readonly continue: boolean;
  /** `undefined` for the default grouping (rule id and the alert's group key). */
  readonly groupBy: readonly string[] | undefined;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly sendResolved: boolean;
  readonly children: readonly RouteNode[];
}

const defaults = {
  id: 'route',
  receiver: '',
  matches: () => true,
  continue: false,
  groupBy: undefined,
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 4 * 3_600_000,
  sendResolved: true,
  children: [],
} satisfies RouteNode;

/**
 * Resolve inherited settings and compile matchers, once.
 *
 * @param route - A validated tree whose root has a receiver.
 * @returns The compiled root.
 */
export function compileRoute(route: Route, parent: RouteNode = defaults, id = 'route'): RouteNode {
  const node: RouteNode = {
    id,
    receiver: route.receiver ?? parent.receiver,
    matches: route.match === undefined ? () => true : compileMatcher(route.match),
    continue: route.continue ?? false,
    groupBy: route.groupBy ?? parent.groupBy,
    groupWaitMs: route.groupWaitMs ?? parent.groupWaitMs,
    groupIntervalMs: route.groupIntervalMs ?? parent.groupIntervalMs,
    repeatIntervalMs: route.repeatIntervalMs ?? parent.repeatIntervalMs,
    sendResolved: route.sendResolved ?? parent.sendResolved,
    children: [],
  };
  const children = (route.routes ?? []).map((child, index) =>
    compileRoute(child, node, `${id}.routes[${index}]`),
  );
  return { ...node, children };
}

/**
 * The routes an alert ends at: depth first, the first matching child wins unless it has
 * `continue`, and a node none of whose children match is itself the target.
 *
 * @param node - The root (or a subtree).
 * @param alert - The alert.
 * @returns The target routes, in tree order; empty only when `node` itself does not match.
 */
export function matchRoutes(node: RouteNode, alert: Alert): RouteNode[] {
  if (!node.matches(alert)) return [];
  const targets: RouteNode[] = [];
  for (const child of node.children) {
    const found = matchRoutes(child, alert);
    targets.push(...found);
    if (found.length > 0 && !child.continue) break;
  }
  return targets.length > 0 ? targets : [node];
}
