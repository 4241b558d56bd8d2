"use server";

import { z } from "zod";
import { prisma } from "@/lib/db";
import { authActionClient } from "@/lib/safe-action";

export const clearDrafts = authActionClient
  .inputSchema(z.object({ draft: z.boolean() }))
  .action(async ({ parsedInput, ctx }) => {
    await prisma.post.deleteMany({ where: { authorId: ctx.user.id, draft: parsedInput.draft } });
  });
