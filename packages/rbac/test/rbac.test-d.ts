import { describe, expectTypeOf, it } from 'vitest';
import { createRbac, type Resource } from '../src/index.js';

describe('typed vocabularies', () => {
  it('makes a misspelt permission a type error when the vocabulary is known', () => {
    const rbac = createRbac(
      { version: 1, roles: { agent: { allow: ['transcripts:*'] } } },
      { permissions: ['transcripts:read', 'transcripts:export'] },
    );
    rbac.can({ roles: ['agent'] }, 'transcripts:read');
    // @ts-expect-error 'transcipts:read' is not in the vocabulary
    rbac.can({ roles: ['agent'] }, 'transcipts:read');
    // @ts-expect-error nor is a permission of another resource
    rbac.authorize({ roles: ['agent'] }, 'billing:read');
  });

  it('accepts any string without a vocabulary', () => {
    const rbac = createRbac({ version: 1, roles: {} });
    expectTypeOf(rbac.can).parameter(1).toEqualTypeOf<string>();
  });

  it('types conditions and checks over the application resource', () => {
    interface Transcript extends Resource {
      readonly ownerId: string;
      readonly department: 'billing' | 'health';
    }
    const rbac = createRbac<string, Transcript>(
      { version: 1, roles: {} },
      {
        conditions: {
          healthStaff: (subject, transcript) => {
            expectTypeOf(transcript.department).toEqualTypeOf<'billing' | 'health'>();
            return subject.attributes?.department === transcript.department;
          },
        },
      },
    );
    rbac.can({ roles: [] }, 'transcripts:read', { ownerId: 'a', department: 'health' });
    // @ts-expect-error the resource must be a Transcript
    rbac.can({ roles: [] }, 'transcripts:read', { department: 'sales' });
    expectTypeOf(
      rbac.allowedFields({ roles: [] }, 'transcripts:read', ['text', 'ssn'] as const),
    ).toEqualTypeOf<('text' | 'ssn')[]>();
  });
});
