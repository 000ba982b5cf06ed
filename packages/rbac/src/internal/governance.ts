import { SecbotError } from '@secbot/core';

// Each Rbac registers a private "apply" capability here. While no policy admin controls it,
// rbac.update() uses that capability directly; once createPolicyAdmin takes control, update()
// refuses, and only the admin, after the required approvals, can apply a policy. The capability
// is held in this module's WeakMap and never exposed on the Rbac object.
/** What an Rbac hands its policy admin: apply a policy, or only compile it to see that it would load. */
export interface Capability<T> {
  readonly apply: (policy: unknown) => T;
  readonly check: (policy: unknown) => void;
}

interface Control<T> extends Capability<T> {
  governed: boolean;
}

const controls = new WeakMap<object, Control<unknown>>();

export function registerControl<T>(rbac: object, capability: Capability<T>): void {
  controls.set(rbac, { ...capability, governed: false });
}

export function isGoverned(rbac: object): boolean {
  return controls.get(rbac)?.governed === true;
}

/** Take exclusive control of an Rbac's policy; from now on its update() refuses. */
export function takeControl<T>(rbac: object): Capability<T> {
  const control = controls.get(rbac) as Control<T> | undefined;
  if (control === undefined) {
    throw new SecbotError('CONFIG_INVALID', 'policy admin: rbac was not made by createRbac', {
      issues: [{ path: 'rbac', message: 'not made by createRbac' }],
    });
  }
  if (control.governed) {
    throw new SecbotError(
      'CONFIG_INVALID',
      'policy admin: this rbac is already controlled by a policy admin',
      {
        issues: [{ path: 'rbac', message: 'already controlled by a policy admin' }],
      },
    );
  }
  control.governed = true;
  return { apply: control.apply, check: control.check };
}

export function applyUngoverned<T>(rbac: object, policy: unknown): T {
  const control = controls.get(rbac) as Control<T> | undefined;
  if (control === undefined || control.governed) {
    throw new SecbotError(
      'POLICY_CHANGE_UNAPPROVED',
      'rbac.update: this policy is under change control; propose the change through the policy admin',
    );
  }
  return control.apply(policy);
}
