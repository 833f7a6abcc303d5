import type { Core } from '@strapi/strapi';
import { previewUrl } from '../src/content/reader/preview-url';

export default ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Admin => ({
  auth: {
    secret: env('ADMIN_JWT_SECRET', ''),
  },
  apiToken: {
    salt: env('API_TOKEN_SALT', ''),
  },
  transfer: {
    token: {
      salt: env('TRANSFER_TOKEN_SALT', ''),
    },
  },
  secrets: {
    encryptionKey: env('ENCRYPTION_KEY', ''),
  },
  // The Preview button opens this backend's reader page (src/content/reader) in the admin, same origin.
  preview: {
    enabled: true,
    config: {
      allowedOrigins: ["'self'"],
      handler: previewUrl,
    },
  },
  flags: {
    nps: false,
    promoteEE: false,
  },
});
