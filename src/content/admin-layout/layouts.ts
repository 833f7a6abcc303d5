/**
 * The content manager's views of the three types, as the newsroom wants them: list columns, sort,
 * search, the edit form's rows (text first, then dates and place, then relations) and field labels.
 * Strapi's own defaults fill in everything not named here.
 */

export interface FieldSpec {
  label: string;
  description?: string;
  placeholder?: string;
  /** Relations: the target's field the picker and the related entries show. */
  mainField?: string;
  /** Offered in the list view's sort menu / column header. */
  sortable?: boolean;
}

export interface LayoutSpec {
  uid: string;
  settings: {
    mainField: string;
    defaultSortBy: string;
    defaultSortOrder: 'ASC' | 'DESC';
    pageSize: number;
    searchable: boolean;
    filterable: boolean;
    bulkable: boolean;
  };
  /** List view columns, in order (Strapi adds the Status column itself for draft & publish types). */
  list: string[];
  /** Edit view rows; sizes are out of 12 and must suit the field type (dates 4, blocks 12). */
  edit: Array<Array<[name: string, size: number]>>;
  fields: Record<string, FieldSpec>;
}

const shared = { pageSize: 20, searchable: true, filterable: true, bulkable: true } as const;

const article: LayoutSpec = {
  uid: 'api::article.article',
  settings: { ...shared, mainField: 'title', defaultSortBy: 'publishedDate', defaultSortOrder: 'DESC' },
  list: ['title', 'publishedDate', 'source'],
  edit: [
    [['title', 12]],
    [['slug', 12]],
    [['summary', 12]],
    [['body', 12]],
    [['publishedDate', 4], ['dateline', 4], ['source', 4]],
    [['people', 6], ['events', 6]],
  ],
  fields: {
    title: { label: 'Title', description: 'The headline, as readers see it (up to 300 characters).' },
    slug: {
      label: 'Slug',
      description: 'The article\'s address: /read/articles/<slug>. Made from the title; must differ from every other article\'s.',
    },
    summary: { label: 'Summary', description: 'One or two sentences for lists and previews (up to 1000 characters).' },
    body: { label: 'Body', description: 'The article text: paragraphs, headings, lists, quotes and links.' },
    publishedDate: {
      label: 'Date',
      description: 'The article\'s own date, as printed on it (not the moment it goes live here).',
      sortable: true,
    },
    dateline: { label: 'Dateline', description: 'Where the story was filed, e.g. Tehran.', placeholder: 'Tehran' },
    source: { label: 'Source', description: 'Who published it first, e.g. TDI.', placeholder: 'TDI' },
    people: { label: 'People mentioned', description: 'Pick people by name.', mainField: 'name' },
    events: { label: 'Events reported', description: 'Pick events by title.', mainField: 'title' },
  },
};

const person: LayoutSpec = {
  uid: 'api::person.person',
  settings: { ...shared, mainField: 'name', defaultSortBy: 'name', defaultSortOrder: 'ASC' },
  list: ['name', 'role', 'country'],
  edit: [
    [['name', 6], ['slug', 6]],
    [['role', 12]],
    [['bio', 12]],
    [['country', 6]],
    [['articles', 6], ['events', 6]],
  ],
  fields: {
    name: { label: 'Name', description: 'Full name, as articles print it.' },
    slug: { label: 'Slug', description: 'Made from the name; must differ from every other person\'s.' },
    role: { label: 'Role', description: 'What they are or were when mentioned, e.g. President of Iran.' },
    bio: { label: 'Biography', description: 'A few sentences of background (optional).' },
    country: { label: 'Country', description: 'The country they act for or live in.' },
    articles: { label: 'Mentioned in', description: 'Articles that mention this person.', mainField: 'title' },
    events: { label: 'Took part in', description: 'Events this person took part in.', mainField: 'title' },
  },
};

const event: LayoutSpec = {
  uid: 'api::event.event',
  settings: { ...shared, mainField: 'title', defaultSortBy: 'startDate', defaultSortOrder: 'DESC' },
  list: ['title', 'startDate', 'datePrecision', 'location'],
  edit: [
    [['title', 6], ['slug', 6]],
    [['description', 12]],
    [['startDate', 4], ['endDate', 4], ['datePrecision', 4]],
    [['location', 6], ['country', 6]],
    [['participants', 6], ['articles', 6]],
  ],
  fields: {
    title: { label: 'Title', description: 'What happened, in a few words.' },
    slug: { label: 'Slug', description: 'Made from the title; must differ from every other event\'s.' },
    description: { label: 'Description', description: 'More detail (optional).' },
    startDate: {
      label: 'Start date',
      description: 'When it happened or began. For a month or a year, enter its first day.',
      sortable: true,
    },
    endDate: {
      label: 'End date',
      description: 'Only for events that lasted: leave empty for a single day, month or year. Not before the start date.',
    },
    datePrecision: {
      label: 'Date precision',
      description:
        'How much of the date is known: day ("23 July 2022"), month ("June 2022", enter the 1st) or year ("1521", enter 1 January).',
    },
    location: { label: 'Location', description: 'The city or place, e.g. Moscow.' },
    country: { label: 'Country', description: 'The country it happened in.' },
    participants: { label: 'Participants', description: 'Pick people by name.', mainField: 'name' },
    articles: { label: 'Reported in', description: 'Articles that report this event.', mainField: 'title' },
  },
};

export const ADMIN_LAYOUTS: LayoutSpec[] = [article, person, event];
