import { asAnswer, assertSafeAnswer } from '../helpers/hostile';
import { useStrapi } from '../helpers/strapi';
import { TEST_ADMIN } from '../helpers/paths';

/**
 * Private-field oracles: the admin users behind createdBy / updatedBy, reached as a filter, a
 * sort, a populate, a field, inside $or / $not and through relations, for the public and with a
 * token. Each must be refused (400 or 403): a 200 whose rows depend on an admin's email would let
 * a caller probe it one letter at a time.
 */
const suite = useStrapi();

const ADMIN_RELATIONS = ['createdBy', 'updatedBy'];
const ADMIN_FIELDS = ['email', 'firstname', 'lastname', 'username', 'password', 'resetPasswordToken', 'isActive', 'id', 'roles'];
/** A probe that matches the dev admin's real email, so a leak would show as a non-empty answer. */
const emailPrefix = TEST_ADMIN.email.slice(0, 2);

const FORMS: Array<[string, (relation: string, field: string) => string]> = [
  ['filter $eq', (relation, field) => `filters[${relation}][${field}][$eq]=x`],
  ['filter $startsWith', (relation, field) => `filters[${relation}][${field}][$startsWith]=${field === 'email' ? emailPrefix : 'a'}`],
  ['inside $or', (relation, field) => `filters[$or][0][${relation}][${field}][$startsWith]=${emailPrefix}&filters[$or][1][title][$eq]=none`],
  ['inside $not', (relation, field) => `filters[$not][${relation}][${field}][$null]=true`],
  ['inside $and inside $or', (relation, field) => `filters[$or][0][$and][0][${relation}][${field}][$notNull]=true`],
  ['through people', (relation, field) => `filters[people][${relation}][${field}][$startsWith]=${emailPrefix}`],
  ['through populate filters', (relation, field) => `populate[people][filters][${relation}][${field}][$startsWith]=${emailPrefix}`],
  ['as a sort', (relation, field) => `sort=${relation}.${field}:asc`],
  ['as a populate sort', (relation, field) => `populate[people][sort]=${relation}.${field}:asc`],
];

const PLAIN: Array<[string, string]> = ADMIN_RELATIONS.flatMap((relation) => [
  [`populate=${relation}`, `populate=${relation}`],
  [`populate[${relation}]=true`, `populate[${relation}]=true`],
  [`populate[${relation}][fields][0]=email`, `populate[${relation}][fields][0]=email`],
  [`populate[people][populate]=${relation}`, `populate[people][populate]=${relation}`],
  [`fields[0]=${relation}`, `fields[0]=${relation}`],
  [`filters[${relation}][$null]=true`, `filters[${relation}][$null]=true`],
  [`filters[${relation}]=1`, `filters[${relation}]=1`],
]);

const queries: Array<[string, string]> = [
  ...ADMIN_RELATIONS.flatMap((relation) =>
    ADMIN_FIELDS.flatMap((field) => FORMS.map(([form, build]): [string, string] => [`${relation}.${field} ${form}`, build(relation, field)])),
  ),
  ...PLAIN,
];

const callers: Array<[string, boolean]> = [['public', true], ['token', false]];
const cases = callers.flatMap(([caller, isPublic]) => queries.map(([label, query]) => [`${caller}: ${label}`, query, isPublic] as const));

describe('admin users behind createdBy / updatedBy cannot be probed', () => {
  it.each(cases)('%s', async (label, query, isPublic) => {
    let request = suite.app.http().get(`/api/articles?${query}`);
    if (!isPublic) request = request.set('Authorization', `Bearer ${suite.token}`);
    const response = await request;
    assertSafeAnswer(label, asAnswer(response), { isPublic });
    expect({ label, refused: [400, 403].includes(response.status) }).toEqual({ label, refused: true });
    expect(response.text).not.toContain(TEST_ADMIN.email);
  });
});

describe('a populate=* never brings the admin users', () => {
  it.each(callers)('%s', async (caller, isPublic) => {
    let request = suite.app.http().get('/api/articles?populate=*');
    if (!isPublic) request = request.set('Authorization', `Bearer ${suite.token}`);
    const response = await request.expect(200);
    assertSafeAnswer(caller, asAnswer(response), { isPublic });
    expect(response.body.data[0]).not.toHaveProperty('createdBy');
    expect(response.text).not.toContain(TEST_ADMIN.email);
  });
});
