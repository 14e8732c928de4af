# Cratedigger: one image for the bot (`npm start`) and the workers (`npm run worker`).
FROM node:22-bookworm-slim

# ffmpeg decodes and encodes audio. redis-server is installed only because `npm ci`'s postinstall
# checks for it (it is small); in docker-compose the separate redis service is used (REDIS_URL).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg redis-server ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --omit=dev && npm cache clean --force
COPY . .

ENV NODE_ENV=production \
    DATA_DIR=/app/data
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
CMD ["npm", "start"]
